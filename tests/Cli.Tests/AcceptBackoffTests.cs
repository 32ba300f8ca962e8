using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PipeNet.Tests;
using Xunit.Abstractions;

namespace PipeNet.Cli.Tests;

/// <summary>The echo server under a low open-files limit: running out of descriptors is load to shed, not a crash or a spin.</summary>
public sealed class AcceptBackoffTests(ITestOutputHelper output)
{
    /// <summary>
    /// The runtime keeps every loaded assembly's file open (two descriptors each), so an idle echo server holds
    /// about 96 descriptors and does not start at all under a limit of 96. 128 leaves a few dozen to exhaust.
    /// </summary>
    private const int FileLimit = 128;

    /// <summary>Clients beyond the server's free descriptors: they complete the handshake into the backlog.</summary>
    private const int BacklogClients = 16;

    private static readonly TimeSpan s_cpuWindow = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task AcceptLoopSurvivesEmfileWithoutSpinning()
    {
        await using var server = PipenetProcess.Start(FileLimit, "echo", "--listen", "127.0.0.1:0");
        try
        {
            await RunScenarioAsync(server);
        }
        catch
        {
            // The likeliest failure is the runtime aborting; say so instead of leaving a bare "connection reset".
            output.WriteLine($"pipenet {(server.HasExited ? $"exited with {server.ExitCode}" : "is running")}; stderr without back-off warnings:");
            foreach (string line in server.StandardErrorLines.Where(line => !line.Contains("Accepting on", StringComparison.Ordinal)).TakeLast(10))
            {
                output.WriteLine("  " + line[..Math.Min(line.Length, 300)]);
            }

            throw;
        }
    }

    private async Task RunScenarioAsync(PipenetProcess server)
    {
        EndPoint endPoint = await server.WaitForListeningAsync();
        int idleDescriptors = server.CountOpenDescriptors();

        // One connection served end to end while descriptors are free, so the code (and the assemblies) the
        // accept path needs are loaded before it has to run with none to spare.
        await AssertEchoesAsync(endPoint, "warm-up");
        int warmDescriptors = server.CountOpenDescriptors();
        int free = FileLimit - warmDescriptors;
        output.WriteLine($"limit {FileLimit}: {idleDescriptors} descriptors idle, {warmDescriptors} after the warm-up, {free} free");
        Assert.True(free >= 8, $"The idle server already holds {warmDescriptors} of {FileLimit} descriptors.");

        var clients = new List<Socket>();
        try
        {
            // The kernel completes handshakes into the backlog whether or not the server accepts, so every
            // connect succeeds even once the server has stopped accepting.
            for (int i = 0; i < free + BacklogClients; i++)
            {
                clients.Add(await SocketTestExtensions.ConnectAsync(endPoint));
            }

            string warning = await server.WaitForStandardErrorAsync("Accepting on");
            output.WriteLine(warning[..Math.Min(warning.Length, 200)]);

            // pipenet's HeadroomListenerFactory reports EMFILE itself when it stops accepting to keep descriptors
            // for the runtime; should the kernel's accept fail first (a race), Core names it EMFILE too.
            Assert.Contains("failed with EMFILE; retrying", warning);
            // HeadroomListenerFactory stops accepting while the runtime still has room to start a thread (two
            // descriptors); at the very limit the runtime aborts with "Out of memory." when it starts one.
            int exhaustedDescriptors = server.CountOpenDescriptors();
            Assert.True(exhaustedDescriptors <= FileLimit - 2, $"The server holds {exhaustedDescriptors} of {FileLimit} descriptors: no room left for the runtime.");

            TimeSpan cpuBefore = server.GetCpuTime();
            int warningsBefore = CountAcceptWarnings(server);
            var window = Stopwatch.StartNew();
            await Task.Delay(s_cpuWindow); // A measurement window, not synchronisation.
            TimeSpan cpu = server.GetCpuTime() - cpuBefore;
            TimeSpan elapsed = window.Elapsed;
            int warnings = CountAcceptWarnings(server) - warningsBefore;
            double share = cpu / elapsed;
            output.WriteLine($"{exhaustedDescriptors} descriptors open; {cpu.TotalMilliseconds:0} ms CPU in {elapsed.TotalMilliseconds:0} ms ({share:P1} of a core), {warnings} back-off warnings");

            // A spinning accept loop would burn a whole core; backing off (10 ms doubling to 1 s) costs nearly nothing.
            Assert.True(share < 0.25, $"The server used {share:P1} of a core while out of descriptors.");
            Assert.InRange(warnings, 0, 10);
        }
        finally
        {
            foreach (Socket client in clients)
            {
                client.Dispose();
            }
        }

        // Closed clients free the server's descriptors and drain from the backlog; a new client is then served
        // by the same accept loop, which never died.
        var recovery = Stopwatch.StartNew();
        await AssertEchoesAsync(endPoint, "served again");
        output.WriteLine($"served again {recovery.ElapsedMilliseconds} ms after the clients closed");

        await server.SignalAsync("TERM");
        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.DoesNotContain(server.StandardErrorLines, line => line.Contains("crit", StringComparison.Ordinal));
    }

    private static int CountAcceptWarnings(PipenetProcess server) =>
        server.StandardErrorLines.Count(line => line.Contains("Accepting on", StringComparison.Ordinal));

    private static async Task AssertEchoesAsync(EndPoint endPoint, string text)
    {
        using Socket client = await SocketTestExtensions.ConnectAsync(endPoint);
        byte[] message = Encoding.UTF8.GetBytes(text);
        await client.SendAsync(message).WithTimeout();
        Assert.Equal(message, await client.ReceiveExactlyAsync(message.Length));
    }
}
