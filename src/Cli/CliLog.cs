using Microsoft.Extensions.Logging;

namespace PipeNet.Cli;

/// <summary>The tool's own log messages. Event ids are fixed and never reused.</summary>
internal static partial class CliLog
{
    [LoggerMessage(1, LogLevel.Information, "Received {Signal}; stopping, grace period {GracePeriod}.")]
    public static partial void Stopping(ILogger logger, string signal, TimeSpan gracePeriod);

    [LoggerMessage(2, LogLevel.Warning, "Received {Signal} again; aborting the connections still open.")]
    public static partial void Aborting(ILogger logger, string signal);

    [LoggerMessage(3, LogLevel.Information, "Stopped after serving {AcceptedCount} connections ({DroppedCount} dropped).")]
    public static partial void Stopped(ILogger logger, long acceptedCount, long droppedCount);

    [LoggerMessage(4, LogLevel.Error, "Demo client {Client} failed.")]
    public static partial void DemoClientFailed(ILogger logger, int client, Exception exception);
}
