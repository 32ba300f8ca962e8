using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using PipeNet.Transport.Tls;

namespace PipeNet.Cli;

/// <summary>
/// <c>pipenet echo</c>: serves the echo handler until SIGINT or SIGTERM, then stops gracefully.
/// </summary>
/// <remarks>
/// Stdout carries exactly one line, <c>listening ADDR</c>, written once the socket is bound, so a script
/// (or a test) that asked for port 0 reads the real port from it. Everything else goes to stderr.
/// </remarks>
internal static class EchoCommand
{
    private static readonly TimeSpan s_minHeartbeat = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_maxHeartbeat = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(EchoOptions options, TextWriter stdout, TextWriter stderr)
    {
        using ILoggerFactory loggerFactory = CliLogging.CreateFactory();
        ILogger logger = loggerFactory.CreateLogger(CliLogging.Category);

        // Registered before the bind: a supervisor may signal as soon as it reads the listening line.
        using var shutdown = new ShutdownSignal(logger);

        EchoServer server;
        try
        {
            EndPoint listen = await ResolveAsync(options.Listen).ConfigureAwait(false);
            TlsServerOptions? tls = options.TlsCertFile is null ? null : new TlsServerOptions { ServerCertificate = TlsCertificate.FromPemFiles(options.TlsCertFile, options.TlsKeyFile) };
            server = await EchoServer.StartAsync(listen, CreateDispatcherOptions(options), loggerFactory, options.Api, tls: tls).ConfigureAwait(false);
        }
        catch (NetException ex)
        {
            await stderr.WriteLineAsync($"pipenet: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await using (server.ConfigureAwait(false))
        {
            await stdout.WriteLineAsync($"listening {NetAddress.Format(server.EndPoint)}").ConfigureAwait(false);
            await stdout.FlushAsync().ConfigureAwait(false);

            Task stopped = await Task.WhenAny(shutdown.Requested, server.Dispatcher.Completion).ConfigureAwait(false);
            if (stopped == server.Dispatcher.Completion)
            {
                // Completion only ends before a stop when an accept loop died (already logged at Critical).
                Exception error = server.Dispatcher.Completion.Exception?.GetBaseException() ?? new InvalidOperationException("The accept loop ended.");
                await stderr.WriteLineAsync($"pipenet: accept {NetAddress.Format(server.EndPoint)}: {error.Message}").ConfigureAwait(false);
                await server.StopAsync(shutdown.Forced).ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            CliLog.Stopping(logger, await shutdown.Requested.ConfigureAwait(false), EchoServer.GracePeriod);
            await server.StopAsync(shutdown.Forced).ConfigureAwait(false);
            CliLog.Stopped(logger, server.Dispatcher.AcceptedCount, server.Dispatcher.DroppedCount);
        }

        return ExitCodes.Success;
    }

    private static ConnectionDispatcherOptions CreateDispatcherOptions(EchoOptions options)
    {
        var dispatcherOptions = new ConnectionDispatcherOptions
        {
            MaxConnections = options.MaxConnections,
            IdleTimeout = options.IdleTimeout,
            ShutdownTimeout = EchoServer.GracePeriod,
        };

        if (options.IdleTimeout is { } idle)
        {
            // The heartbeat is the idle timeout's resolution; a short timeout on the 1 s default would close
            // connections up to a second late, so tick at half the timeout (within 50 ms..1 s).
            dispatcherOptions.HeartbeatInterval = TimeSpan.FromTicks(Math.Clamp(idle.Ticks / 2, s_minHeartbeat.Ticks, s_maxHeartbeat.Ticks));
        }

        return dispatcherOptions;
    }

    /// <summary>A host name (<c>localhost:7007</c>) listens on its first address, as Node's <c>listen(port, host)</c> does.</summary>
    /// <exception cref="NetException">The name did not resolve.</exception>
    private static async Task<EndPoint> ResolveAsync(EndPoint endPoint)
    {
        if (endPoint is not DnsEndPoint dns)
        {
            return endPoint;
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(dns.Host).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw NetException.FromSocketException(ex, $"listen {NetAddress.Format(dns)}: lookup {dns.Host}");
        }

        return addresses.Length > 0
            ? new IPEndPoint(addresses[0], dns.Port)
            : throw new NetException(NetErrorCode.NotFound, $"listen {NetAddress.Format(dns)}: lookup {dns.Host}: no addresses");
    }
}
