using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace PipeNet.Cli;

/// <summary>
/// One line per log entry: <c>HH:mm:ss.fff warn: Category[id] message (ExceptionType: message)</c>. Errors and
/// criticals add the exception's full text (with its stack trace) on the lines below.
/// </summary>
/// <remarks>
/// Warnings carry no stack trace on purpose. The one an operator sees most is the accept back-off, logged up to
/// once a second while the process is out of descriptors: a stack trace there is 30 lines of noise each time,
/// and rendering the first one loads four assemblies and several symbol files that the runtime then keeps open,
/// taking the very descriptors the process has run out of (see <see cref="HeadroomListenerFactory"/>).
/// </remarks>
internal sealed class CliConsoleFormatter : ConsoleFormatter
{
    public const string FormatterName = "pipenet";

    public CliConsoleFormatter()
        : base(FormatterName)
    {
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        string message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message.Length == 0 && logEntry.Exception is null)
        {
            return;
        }

        textWriter.Write(DateTime.Now.ToString("HH:mm:ss.fff ", CultureInfo.InvariantCulture));
        textWriter.Write(GetLevelText(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(logEntry.Category);
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id.ToString(CultureInfo.InvariantCulture));
        textWriter.Write("] ");
        textWriter.Write(message.ReplaceLineEndings(" "));
        if (logEntry.Exception is { } exception)
        {
            if (logEntry.LogLevel >= LogLevel.Error)
            {
                textWriter.WriteLine();
                textWriter.Write(exception.ToString());
            }
            else
            {
                textWriter.Write(" (");
                textWriter.Write(exception.GetType().Name);
                textWriter.Write(": ");
                textWriter.Write(exception.Message.ReplaceLineEndings(" "));
                textWriter.Write(')');
            }
        }

        textWriter.WriteLine();
    }

    private static string GetLevelText(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
