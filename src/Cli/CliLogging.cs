using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace PipeNet.Cli;

/// <summary>
/// The console logging every command uses. Stdout belongs to the command's own output (the
/// <c>listening</c> line, the demo's report), which scripts parse; so every log line goes to stderr.
/// </summary>
internal static class CliLogging
{
    /// <summary>The category of the tool's own messages.</summary>
    public const string Category = "PipeNet.Cli";

    public static ILoggerFactory CreateFactory() => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(LogLevel.Information);

        // The library logs every connection at Debug and binds at Information; the tool shows only what
        // an operator must act on (drops, EMFILE back-off, a dead accept loop), plus its own lifecycle.
        builder.AddFilter("PipeNet", LogLevel.Warning);
        builder.AddFilter(Category, LogLevel.Information);
        builder.AddConsole(options =>
        {
            options.FormatterName = CliConsoleFormatter.FormatterName;
            options.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        builder.AddConsoleFormatter<CliConsoleFormatter, ConsoleFormatterOptions>();

        // Lines are stamped with local time. The zone is read from /etc/localtime on first use, and should be
        // read now rather than by the first warning, which may come when the process is out of descriptors.
        _ = TimeZoneInfo.Local;
    });
}
