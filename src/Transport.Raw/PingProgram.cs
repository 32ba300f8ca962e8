using System.Net;
using System.Net.Sockets;
using PipeNet.Transport.Raw.Internal;

namespace PipeNet.Transport.Raw;

/// <summary>
/// The complete <c>pipenet ping</c> command: <c>HOST [-c COUNT] [-i INTERVAL] [-t TTL] [-s SIZE] [-W TIMEOUT] [-4|-6]</c>,
/// printing what iputils <c>ping</c> prints, so a command-line host only forwards its arguments and streams.
/// </summary>
/// <remarks>
/// Output, for example:
/// <code>
/// PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
/// 64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms
///
/// --- 127.0.0.1 ping statistics ---
/// 1 packets transmitted, 1 received, 0% packet loss, time 0ms
/// rtt min/avg/max/mdev = 0.045/0.045/0.045/0.000 ms
/// </code>
/// Differences from iputils: IPv6 reply lines carry no <c>ttl=</c> (raw IPv6 sockets receive no header);
/// <c>-W</c> bounds the wait for each reply, and a later reply counts as lost; without <c>-c</c> the command runs
/// until <c>cancellationToken</c> is cancelled (Ctrl-C in a host that wires it), then prints the statistics.
/// </remarks>
public static class PingProgram
{
    /// <summary>The exit code when at least one reply arrived.</summary>
    public const int ExitReplied = 0;

    /// <summary>The exit code when no reply arrived.</summary>
    public const int ExitNoReply = 1;

    /// <summary>The exit code for bad arguments, an unknown host, or a socket that could not be created (<c>EPERM</c>).</summary>
    public const int ExitError = 2;

    /// <summary>Runs <c>pipenet ping</c>.</summary>
    /// <param name="args">The arguments after <c>ping</c>.</param>
    /// <param name="stdout">Receives the ping lines and statistics.</param>
    /// <param name="stderr">Receives usage and error messages.</param>
    /// <param name="cancellationToken">Stops sending (Ctrl-C); the statistics are printed all the same.</param>
    /// <returns><see cref="ExitReplied"/>, <see cref="ExitNoReply"/> or <see cref="ExitError"/>.</returns>
    /// <exception cref="ArgumentNullException">A <c>null</c> argument.</exception>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
        => RunAsync(args, stdout, stderr, TimeProvider.System, RawSocket.Create, cancellationToken);

    internal static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider timeProvider, Func<RawSocketOptions, RawSocket> socketFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (!PingArguments.TryParse(args, out PingArguments arguments, out string? error))
        {
            await stderr.WriteLineAsync(error).ConfigureAwait(false);
            await stderr.WriteLineAsync(PingArguments.Usage).ConfigureAwait(false);
            return ExitError;
        }

        if (arguments.Help)
        {
            await stdout.WriteLineAsync(PingArguments.Usage).ConfigureAwait(false);
            return ExitReplied;
        }

        (IPAddress? address, string? resolveError) = await ResolveAsync(arguments, cancellationToken).ConfigureAwait(false);
        if (address is null)
        {
            await stderr.WriteLineAsync(resolveError).ConfigureAwait(false);
            return ExitError;
        }

        PingOptions options = arguments.ToOptions();
        if (address.AddressFamily == AddressFamily.InterNetwork && options.PayloadSize > IcmpEcho.MaxPayloadLength)
        {
            await stderr.WriteLineAsync($"ping: invalid argument: '{options.PayloadSize}': out of range: 0 <= value <= {IcmpEcho.MaxPayloadLength}").ConfigureAwait(false);
            return ExitError;
        }

        bool isLiteral = IPAddress.TryParse(arguments.Host, out _);
        string from = isLiteral ? address.ToString() : $"{arguments.Host} ({address})";
        using var pinger = new Pinger(timeProvider, socketFactory);
        PingStatistics statistics;
        try
        {
            statistics = await RunPingsAsync(pinger, address, options, arguments.Host, from, stdout, stderr, cancellationToken).ConfigureAwait(false);
        }
        catch (NetException ex)
        {
            await stderr.WriteLineAsync($"ping: {ex.Message}").ConfigureAwait(false);
            return ExitError;
        }

        await stdout.WriteLineAsync().ConfigureAwait(false);
        await stdout.WriteLineAsync(PingOutput.StatisticsTitle(arguments.Host)).ConfigureAwait(false);
        await stdout.WriteLineAsync(PingOutput.Totals(statistics)).ConfigureAwait(false);
        if (statistics.Received > 0)
        {
            await stdout.WriteLineAsync(PingOutput.RoundTrips(statistics)).ConfigureAwait(false);
        }

        await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return statistics.Received > 0 ? ExitReplied : ExitNoReply;
    }

    private static async Task<PingStatistics> RunPingsAsync(Pinger pinger, IPAddress address, PingOptions options, string host, string from, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        // An unprivileged run fails here, before anything is printed.
        pinger.Open(address.AddressFamily == AddressFamily.InterNetworkV6);
        await stdout.WriteLineAsync(PingOutput.Header(host, address, options.PayloadSize)).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await pinger.RunAsync(address, options, reply =>
        {
            // Synchronous writes: the callback runs under the run's reporting lock, one reply at a time.
            switch (reply.Status)
            {
                case PingStatus.Success:
                    stdout.WriteLine(PingOutput.Reply(from, reply));
                    stdout.Flush();
                    break;
                case PingStatus.Failed:
                    stderr.WriteLine($"ping: sendmsg: {reply.Error?.Message}");
                    break;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(IPAddress? Address, string? Error)> ResolveAsync(PingArguments arguments, CancellationToken cancellationToken)
    {
        string host = arguments.Host;
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            bool wrongFamily = (arguments.IPv6Only && literal.AddressFamily != AddressFamily.InterNetworkV6)
                || (arguments.IPv4Only && literal.AddressFamily != AddressFamily.InterNetwork);
            return wrongFamily ? (null, $"ping: {host}: Address family for hostname not supported") : (literal, null);
        }

        AddressFamily family = arguments.IPv6Only ? AddressFamily.InterNetworkV6
            : arguments.IPv4Only ? AddressFamily.InterNetwork
            : AddressFamily.Unspecified;
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, family, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return (null, $"ping: {host}: Name or service not known");
        }

        // IPv4 first unless -6, then whatever the resolver gave.
        IPAddress? chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !arguments.IPv6Only)
            ?? addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6 && !arguments.IPv4Only);
        return chosen is null ? (null, $"ping: {host}: Address family for hostname not supported") : (chosen, null);
    }
}
