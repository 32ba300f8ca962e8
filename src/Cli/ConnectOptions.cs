using System.Net;

namespace PipeNet.Cli;

/// <summary>What <c>pipenet connect</c> was asked to do.</summary>
internal sealed class ConnectOptions
{
    /// <summary>Where to connect: an IP endpoint, or a host name and port.</summary>
    public EndPoint Target { get; set; } = null!;

    /// <summary>Speak TLS.</summary>
    public bool Tls { get; set; }

    /// <summary>Skip verifying the server's certificate.</summary>
    public bool Insecure { get; set; }

    /// <summary>A PEM bundle of trusted roots replacing the system's.</summary>
    public string? CaFile { get; set; }

    /// <summary>The SNI name and the name verified; the target's host when <c>null</c>.</summary>
    public string? ServerName { get; set; }

    /// <summary>Parses <c>[--tls] [--insecure] [--ca FILE] [--servername NAME] HOST:PORT</c>.</summary>
    /// <exception cref="UsageException">An unknown option, a missing value, no target or two targets, TLS options without <c>--tls</c>.</exception>
    public static ConnectOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ConnectOptions();
        string? target = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string name = arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? arg[..equals] : arg;
            string? inline = arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? arg[(equals + 1)..] : null;
            switch (name)
            {
                case "--tls":
                    options.Tls = true;
                    break;
                case "--insecure":
                    options.Insecure = true;
                    break;
                case "--ca":
                    options.CaFile = inline ?? Next(args, ref i, name);
                    break;
                case "--servername":
                    options.ServerName = inline ?? Next(args, ref i, name);
                    break;
                case var option when option.StartsWith('-'):
                    throw new UsageException($"unknown option '{option}' for 'connect'");
                default:
                    if (target is not null)
                    {
                        throw new UsageException($"unexpected argument '{arg}': connect takes one HOST:PORT");
                    }

                    target = arg;
                    break;
            }
        }

        if (target is null)
        {
            throw new UsageException("connect: missing HOST:PORT");
        }

        if (!options.Tls && (options.Insecure || options.CaFile is not null || options.ServerName is not null))
        {
            throw new UsageException("--insecure, --ca and --servername need --tls");
        }

        try
        {
            options.Target = NetAddress.Parse(target, defaultPort: 0, paramName: "HOST:PORT");
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message.TrimEnd('.'), ex);
        }

        if (options.Target is IPEndPoint { Port: 0 } or DnsEndPoint { Port: 0 })
        {
            throw new UsageException($"connect: '{target}' has no port; expected HOST:PORT");
        }

        return options;
    }

    private static string Next(IReadOnlyList<string> args, ref int i, string name)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new UsageException($"{name}: missing value");
        }

        return args[++i];
    }
}
