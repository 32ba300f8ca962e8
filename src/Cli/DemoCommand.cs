using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using PipeNet.Transport.Tcp;

namespace PipeNet.Cli;

/// <summary>
/// <c>pipenet demo</c>: an echo server on 127.0.0.1 (a free port) driven by closed-loop clients in the same
/// process, with a progress line every second and a summary at the end.
/// </summary>
/// <remarks>
/// <code>
///  DemoClient × N ──TcpConnector──▶ 127.0.0.1:port ──ConnectionDispatcher──▶ EchoHandler
///       │ round-trip latency
///       ▼
///  LatencyHistogram stripes ──once a second──▶ progress line ──at the end──▶ summary
/// </code>
/// </remarks>
internal static class DemoCommand
{
    private const int ConnectBatchSize = 128;
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(DemoOptions options, TextWriter stdout, TextWriter stderr)
    {
        using ILoggerFactory loggerFactory = CliLogging.CreateFactory();
        ILogger logger = loggerFactory.CreateLogger(CliLogging.Category);
        using var shutdown = new ShutdownSignal(logger);

        EchoServer server;
        try
        {
            server = await EchoServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), new ConnectionDispatcherOptions(), loggerFactory).ConfigureAwait(false);
        }
        catch (NetException ex)
        {
            await stderr.WriteLineAsync($"pipenet: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await using (server.ConfigureAwait(false))
        {
            using var connector = new TcpConnector(loggerFactory: loggerFactory);
            await stdout.WriteLineAsync(Invariant(
                $"pipenet demo: {options.Connections} connections, {options.MessageSize}-byte messages, {options.Duration.TotalSeconds:0.###} s, echo server on {NetAddress.Format(server.EndPoint)}")).ConfigureAwait(false);

            // Clients share a few histograms rather than one each: bounded memory at 10,000 connections,
            // and little contention with the stripes spread over the cores.
            var stripes = new LatencyHistogram[Math.Min(options.Connections, Environment.ProcessorCount * 4)];
            for (int i = 0; i < stripes.Length; i++)
            {
                stripes[i] = new LatencyHistogram();
            }

            var clients = new List<DemoClient>(options.Connections);
            int failures = 0;
            try
            {
                try
                {
                    await ConnectAllAsync(connector, server.EndPoint, options, stripes, clients).ConfigureAwait(false);
                }
                catch (NetException ex)
                {
                    await stderr.WriteLineAsync($"pipenet: {ex.Message}").ConfigureAwait(false);
                    return ExitCodes.Failure;
                }

                using var stop = new CancellationTokenSource();
                long started = Stopwatch.GetTimestamp();
                Task<bool>[] running = clients.Select((client, id) => RunClientAsync(client, id, logger, stop.Token)).ToArray();
                await ReportProgressAsync(options, server, stripes, started, shutdown.Requested, stdout).ConfigureAwait(false);
                TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
                await stop.CancelAsync().ConfigureAwait(false);
                bool[] succeeded = await Task.WhenAll(running).ConfigureAwait(false);
                failures = succeeded.Count(ok => !ok);

                var total = new LatencyHistogram();
                foreach (LatencyHistogram stripe in stripes)
                {
                    total.Add(stripe);
                }

                await WriteSummaryAsync(stdout, options, total, elapsed, failures).ConfigureAwait(false);
            }
            finally
            {
                foreach (DemoClient client in clients)
                {
                    await client.DisposeAsync().ConfigureAwait(false);
                }
            }

            // Stop before reading the server's counters, so every client's close has been served.
            await server.StopAsync(shutdown.Forced).ConfigureAwait(false);
            await stdout.WriteLineAsync(Invariant(
                $"  server            accepted {server.Dispatcher.AcceptedCount:N0}, dropped {server.Dispatcher.DroppedCount:N0}")).ConfigureAwait(false);
            await stdout.FlushAsync().ConfigureAwait(false);
            return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }
    }

    private static async Task ConnectAllAsync(TcpConnector connector, EndPoint server, DemoOptions options, LatencyHistogram[] stripes, List<DemoClient> clients)
    {
        // In batches, so thousands of SYNs never overflow the listen backlog and stall on retransmits.
        for (int first = 0; first < options.Connections; first += ConnectBatchSize)
        {
            int count = Math.Min(ConnectBatchSize, options.Connections - first);
            Task<DemoClient>[] batch = Enumerable.Range(first, count)
                .Select(id => DemoClient.ConnectAsync(connector, server, id, options.MessageSize, stripes[id % stripes.Length], CancellationToken.None))
                .ToArray();
            try
            {
                await Task.WhenAll(batch).ConfigureAwait(false);
            }
            finally
            {
                clients.AddRange(batch.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }
        }
    }

    private static async Task<bool> RunClientAsync(DemoClient client, int id, ILogger logger, CancellationToken stop)
    {
        try
        {
            await client.RunAsync(stop).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or InvalidOperationException)
        {
            CliLog.DemoClientFailed(logger, id, ex);
            return false;
        }
    }

    private static async Task ReportProgressAsync(DemoOptions options, EchoServer server, LatencyHistogram[] stripes, long started, Task interrupted, TextWriter stdout)
    {
        var previous = new LatencyHistogram();
        var current = new LatencyHistogram();
        var interval = new LatencyHistogram();
        TimeSpan lastReport = TimeSpan.Zero;
        while (true)
        {
            TimeSpan remaining = options.Duration - Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero || interrupted.IsCompleted)
            {
                return;
            }

            TimeSpan wait = remaining < s_progressInterval ? remaining : s_progressInterval;
            await Task.WhenAny(Task.Delay(wait), interrupted).ConfigureAwait(false);

            TimeSpan now = Stopwatch.GetElapsedTime(started);
            current.Clear();
            foreach (LatencyHistogram stripe in stripes)
            {
                current.Add(stripe);
            }

            interval.SetToDifference(current, previous);
            double seconds = (now - lastReport).TotalSeconds;
            await stdout.WriteLineAsync(Invariant(
                $"{now.TotalSeconds,5:0.0}s  {interval.Count / seconds,9:N0} msg/s  {BytesBothWays(interval.Count, options) / seconds / 1e6,6:0.0} MB/s  p99 {Milliseconds(interval.GetValueAtPercentile(99))} ms  {server.Dispatcher.ConnectionCount} conns")).ConfigureAwait(false);
            await stdout.FlushAsync().ConfigureAwait(false);
            (previous, current) = (current, previous);
            lastReport = now;
        }
    }

    private static async Task WriteSummaryAsync(TextWriter stdout, DemoOptions options, LatencyHistogram total, TimeSpan elapsed, int failures)
    {
        double seconds = elapsed.TotalSeconds;
        await stdout.WriteLineAsync().ConfigureAwait(false);
        await stdout.WriteLineAsync("Summary").ConfigureAwait(false);
        await stdout.WriteLineAsync(Invariant($"  duration          {seconds:0.00} s")).ConfigureAwait(false);
        await stdout.WriteLineAsync(Invariant($"  connections       {options.Connections:N0} ({failures} failed)")).ConfigureAwait(false);
        await stdout.WriteLineAsync(Invariant($"  messages          {total.Count:N0} round trips of {options.MessageSize:N0} bytes")).ConfigureAwait(false);
        await stdout.WriteLineAsync(Invariant($"  throughput        {total.Count / seconds:N0} msg/s")).ConfigureAwait(false);
        await stdout.WriteLineAsync(Invariant(
            $"  bandwidth         {BytesBothWays(total.Count, options) / seconds / 1e6:0.0} MB/s (payload in both directions: sent + echoed; 1 MB = 10^6 bytes)")).ConfigureAwait(false);
        await stdout.WriteLineAsync(Invariant(
            $"  latency           p50 {Milliseconds(total.GetValueAtPercentile(50))} ms  p99 {Milliseconds(total.GetValueAtPercentile(99))} ms  max {Milliseconds(total.MaxNanoseconds)} ms")).ConfigureAwait(false);
    }

    private static double BytesBothWays(long messages, DemoOptions options) => 2.0 * messages * options.MessageSize;

    private static string Milliseconds(long nanoseconds) => (nanoseconds / 1e6).ToString("0.000", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
