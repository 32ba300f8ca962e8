using System.Net.Sockets;
using PipeNet.Resolver;

namespace PipeNet.Cli;

/// <summary>
/// <c>pipenet resolve NAME [--server IP:PORT]... [--family 4|6] [--timeout MS] [--json]</c> and
/// <c>pipenet resolve --reverse IP [--server IP:PORT]... [--json]</c>: one lookup, printed like the <c>host</c>
/// tool or, with <c>--json</c>, as rampart's result object.
/// </summary>
internal static class ResolveCommand
{
    public const string UsageLines = """
          pipenet resolve NAME [--server IP:PORT]... [--family 4|6] [--timeout MS] [--json]
          pipenet resolve --reverse IP [--server IP:PORT]... [--timeout MS] [--json]
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        Arguments parsed;
        HostResolver resolver;
        try
        {
            parsed = Parse(args);
            var options = new HostResolverOptions();
            foreach (string server in parsed.Servers)
            {
                options.Servers.Add(server);
            }

            if (parsed.Timeout is { } timeout)
            {
                options.Timeout = timeout;
            }

            resolver = new HostResolver(options);
        }
        catch (Exception ex) when (ex is UsageException or ArgumentException)
        {
            await stderr.WriteLineAsync($"pipenet resolve: {ex.Message}").ConfigureAwait(false);
            await stderr.WriteLineAsync("Usage:").ConfigureAwait(false);
            await stderr.WriteLineAsync(UsageLines).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            if (parsed.Reverse)
            {
                string name = await resolver.ReverseAsync(parsed.Target).ConfigureAwait(false);
                await stdout.WriteLineAsync(parsed.Json
                    ? new HostInfo(name, [System.Net.IPAddress.Parse(parsed.Target)]).ToJson(indented: true)
                    : name).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            HostInfo info = await resolver.ResolveAsync(parsed.Target, parsed.Family).ConfigureAwait(false);
            await stdout.WriteLineAsync(parsed.Json ? info.ToJson(indented: true) : Describe(info)).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"pipenet resolve: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (NetException ex)
        {
            await stderr.WriteLineAsync($"pipenet resolve: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    /// <summary>The <c>host</c> tool's wording: aliases first, then one line per address.</summary>
    internal static string Describe(HostInfo info)
    {
        var lines = new List<string>();
        if (info.CanonicalName is { } canonical && !string.Equals(canonical, info.Host, StringComparison.OrdinalIgnoreCase))
        {
            lines.Add($"{info.Host} is an alias for {canonical}.");
        }

        string owner = info.CanonicalName ?? info.Host;
        foreach (System.Net.IPAddress address in info.Addresses)
        {
            lines.Add(address.AddressFamily == AddressFamily.InterNetworkV6 ? $"{owner} has IPv6 address {address}" : $"{owner} has address {address}");
        }

        return string.Join(Environment.NewLine, lines);
    }

    internal static Arguments Parse(string[] args)
    {
        var servers = new List<string>();
        string? target = null;
        bool reverse = false, json = false;
        AddressFamily family = AddressFamily.Unspecified;
        TimeSpan? timeout = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--server":
                    servers.Add(Value(args, ref i, arg));
                    break;
                case "--family":
                    family = Value(args, ref i, arg) switch
                    {
                        "4" => AddressFamily.InterNetwork,
                        "6" => AddressFamily.InterNetworkV6,
                        string other => throw new UsageException($"--family takes 4 or 6, not '{other}'."),
                    };
                    break;
                case "--timeout":
                    string ms = Value(args, ref i, arg);
                    timeout = int.TryParse(ms, out int value) && value is >= 1 and <= 60_000
                        ? TimeSpan.FromMilliseconds(value)
                        : throw new UsageException($"--timeout takes milliseconds, 1..60000, not '{ms}'.");
                    break;
                case "--json":
                    json = true;
                    break;
                case "--reverse":
                    reverse = true;
                    target = target is null ? Value(args, ref i, arg) : throw new UsageException($"give one name or address, not '{target}' and more.");
                    break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new UsageException($"unknown option '{arg}'.");
                    }

                    target = target is null ? arg : throw new UsageException($"give one name or address, not '{target}' and '{arg}'.");
                    break;
            }
        }

        if (target is null)
        {
            throw new UsageException("give a NAME to resolve, or --reverse IP.");
        }

        if (reverse && family != AddressFamily.Unspecified)
        {
            throw new UsageException("--family applies to NAME lookups, not --reverse.");
        }

        return new Arguments(target, reverse, family, servers, timeout, json);
    }

    private static string Value(string[] args, ref int i, string option) =>
        ++i < args.Length ? args[i] : throw new UsageException($"{option} needs a value.");

    internal sealed record Arguments(string Target, bool Reverse, AddressFamily Family, IReadOnlyList<string> Servers, TimeSpan? Timeout, bool Json);
}
