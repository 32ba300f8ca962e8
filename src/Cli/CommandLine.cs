using System.Globalization;
using System.Net;

namespace PipeNet.Cli;

/// <summary>
/// Reads <c>pipenet</c>'s arguments by hand: <c>COMMAND [--option VALUE | --option=VALUE]...</c>.
/// Every mistake becomes a <see cref="UsageException"/> whose message names the argument and what is wrong.
/// </summary>
internal static class CommandLine
{
    private const int MaxDemoConnections = 10_000;
    private const int MaxMessageSize = 1024 * 1024;
    private const double MaxDemoSeconds = 3600;

    /// <summary>Parses a whole command line.</summary>
    /// <exception cref="UsageException">Unknown command or option, missing or bad value.</exception>
    public static ParsedCommand Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0)
        {
            return new ParsedCommand(CommandKind.None);
        }

        if (args[0] == "help" || args.Any(arg => arg is "--help" or "-h"))
        {
            return new ParsedCommand(CommandKind.Help);
        }

        string command = args[0];
        var rest = new ArgumentReader(args, 1);
        return command switch
        {
            "echo" => new ParsedCommand(CommandKind.Echo, echo: ParseEcho(rest)),
            "demo" => new ParsedCommand(CommandKind.Demo, demo: ParseDemo(rest)),
            "connect" => new ParsedCommand(CommandKind.Connect, connect: ConnectOptions.Parse(args.Skip(1).ToArray())),
            _ when command.StartsWith('-') => throw new UsageException($"expected a command before option '{command}'"),
            _ => throw new UsageException($"unknown command '{command}'"),
        };
    }

    private static EchoOptions ParseEcho(ArgumentReader reader)
    {
        var options = new EchoOptions();
        while (reader.TryReadOption(out string? name, out string? inlineValue))
        {
            switch (name)
            {
                case "--listen":
                    options.Listen = ParseAddress(name, reader.ReadValue(name, inlineValue));
                    break;
                case "--max-connections":
                    options.MaxConnections = ParseInt(name, reader.ReadValue(name, inlineValue), min: 1, max: int.MaxValue);
                    break;
                case "--idle-timeout":
                    options.IdleTimeout = TimeSpan.FromMilliseconds(ParseInt(name, reader.ReadValue(name, inlineValue), min: 1, max: int.MaxValue));
                    break;
                case "--api":
                    options.Api = reader.ReadValue(name, inlineValue) switch
                    {
                        "pipe" => EchoApi.Pipe,
                        "events" => EchoApi.Events,
                        var other => throw new UsageException($"--api: '{other}' is not an API; expected 'pipe' or 'events'"),
                    };
                    break;
                case "--tls-cert":
                    options.TlsCertFile = reader.ReadValue(name, inlineValue);
                    break;
                case "--tls-key":
                    options.TlsKeyFile = reader.ReadValue(name, inlineValue);
                    break;
                default:
                    throw new UsageException($"unknown option '{name}' for 'echo'");
            }
        }

        if ((options.TlsCertFile is null) != (options.TlsKeyFile is null))
        {
            throw new UsageException(options.TlsCertFile is null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
        }

        return options;
    }

    private static DemoOptions ParseDemo(ArgumentReader reader)
    {
        var options = new DemoOptions();
        while (reader.TryReadOption(out string? name, out string? inlineValue))
        {
            switch (name)
            {
                case "--seconds":
                    options.Duration = TimeSpan.FromSeconds(ParseSeconds(name, reader.ReadValue(name, inlineValue)));
                    break;
                case "--connections":
                    options.Connections = ParseInt(name, reader.ReadValue(name, inlineValue), min: 1, max: MaxDemoConnections);
                    break;
                case "--size":
                    options.MessageSize = ParseInt(name, reader.ReadValue(name, inlineValue), min: 1, max: MaxMessageSize);
                    break;
                default:
                    throw new UsageException($"unknown option '{name}' for 'demo'");
            }
        }

        return options;
    }

    private static EndPoint ParseAddress(string name, string value)
    {
        try
        {
            return NetAddress.Parse(value, defaultPort: 0, paramName: name);
        }
        catch (FormatException ex)
        {
            // NetAddress's message already reads "--listen: 'x' is ...".
            throw new UsageException(ex.Message.TrimEnd('.'), ex);
        }
    }

    private static int ParseInt(string name, string value, int min, int max)
    {
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number))
        {
            throw new UsageException($"{name}: '{value}' is not a whole number");
        }

        if (number < 0)
        {
            throw new UsageException($"{name}: '{value}' is negative; expected {Range(min, max)}");
        }

        if (number < min || number > max)
        {
            throw new UsageException($"{name}: '{value}' is out of range; expected {Range(min, max)}");
        }

        return (int)number;
    }

    private static double ParseSeconds(string name, string value)
    {
        if (!double.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds))
        {
            throw new UsageException($"{name}: '{value}' is not a number");
        }

        if (seconds < 0)
        {
            throw new UsageException($"{name}: '{value}' is negative; expected more than 0, at most {MaxDemoSeconds}");
        }

        if (seconds == 0 || seconds > MaxDemoSeconds)
        {
            throw new UsageException($"{name}: '{value}' is out of range; expected more than 0, at most {MaxDemoSeconds}");
        }

        return seconds;
    }

    private static string Range(int min, int max) => string.Create(CultureInfo.InvariantCulture, $"{min}..{max}");

    /// <summary>Walks the arguments after the command.</summary>
    private sealed class ArgumentReader(IReadOnlyList<string> args, int start)
    {
        private int _next = start;

        /// <summary>Reads the next option's name, splitting <c>--name=value</c>; <c>false</c> at the end.</summary>
        public bool TryReadOption(out string? name, out string? inlineValue)
        {
            name = null;
            inlineValue = null;
            if (_next >= args.Count)
            {
                return false;
            }

            string arg = args[_next++];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }

            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            name = equals < 0 ? arg : arg[..equals];
            inlineValue = equals < 0 ? null : arg[(equals + 1)..];
            return true;
        }

        /// <summary>The option's value: the part after '=', or the next argument.</summary>
        public string ReadValue(string name, string? inlineValue)
        {
            if (inlineValue is not null)
            {
                return inlineValue;
            }

            // "--listen --max-connections 2" is a missing value, not an address called "--max-connections".
            if (_next >= args.Count || args[_next].StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"{name}: missing value");
            }

            return args[_next++];
        }
    }
}
