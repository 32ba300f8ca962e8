using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PipeNet.Tests;

namespace PipeNet.Cli.Tests;

/// <summary><c>pipenet echo</c> run as a child process, talked to with plain sockets over loopback.</summary>
public sealed class EchoCommandTests
{
    public static TheoryData<string> AddressKinds => new() { "ipv6", "localhost", "unix-path", "unix-abstract" };

    [Fact]
    public async Task EchoPrintsOneListeningLineAndEchoes()
    {
        await using var server = PipenetProcess.Start("echo", "--listen", "127.0.0.1:0");
        EndPoint endPoint = await server.WaitForListeningAsync();

        var ip = Assert.IsType<IPEndPoint>(endPoint);
        Assert.Equal(IPAddress.Loopback, ip.Address);
        Assert.NotEqual(0, ip.Port);
        await AssertEchoesAsync(endPoint, "hello, pipenet");

        await server.SignalAsync("TERM");
        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.Equal([$"listening 127.0.0.1:{ip.Port}"], server.StandardOutputLines);
    }

    [Theory]
    [MemberData(nameof(AddressKinds))]
    public async Task EchoesOnIPv6HostNamesAndUnixSockets(string kind)
    {
        string address = kind switch
        {
            "ipv6" => "[::1]:0",
            "localhost" => "localhost:0",
            "unix-path" => $"unix:{Path.Combine(Path.GetTempPath(), $"pipenet-cli-{Guid.NewGuid():N}.sock")}",
            _ => $"@pipenet-cli-{Guid.NewGuid():N}",
        };

        await using var server = PipenetProcess.Start("echo", "--listen", address);
        EndPoint endPoint = await server.WaitForListeningAsync();

        if (address.StartsWith("unix:", StringComparison.Ordinal))
        {
            Assert.Equal($"listening {address}", Assert.Single(server.StandardOutputLines));
        }
        else if (address.StartsWith('@'))
        {
            Assert.Equal($"listening unix:{address}", Assert.Single(server.StandardOutputLines));
        }
        else if (kind == "ipv6")
        {
            var ip = Assert.IsType<IPEndPoint>(endPoint);
            Assert.Equal(IPAddress.IPv6Loopback, ip.Address);
            Assert.Equal($"listening [::1]:{ip.Port}", Assert.Single(server.StandardOutputLines));
        }
        else
        {
            // localhost resolves to its first address, whichever family that is; the line shows the real port.
            Assert.NotEqual(0, Assert.IsType<IPEndPoint>(endPoint).Port);
        }

        await AssertEchoesAsync(endPoint, $"hello over {address}");

        await server.SignalAsync("TERM");
        Assert.Equal(0, await server.WaitForExitAsync());
        if (kind == "unix-path")
        {
            Assert.False(File.Exists(address["unix:".Length..]), "The server removes the socket file it created when it stops.");
        }
    }

    [Fact]
    public async Task SigtermStopsGracefullyWithExitCodeZero() => await AssertStopsGracefullyOnAsync("TERM");

    [Fact]
    public async Task SigintStopsGracefullyWithExitCodeZero() => await AssertStopsGracefullyOnAsync("INT");

    [Fact]
    public async Task MaxConnectionsIsEnforced()
    {
        await using var server = PipenetProcess.Start("echo", "--listen", "127.0.0.1:0", "--max-connections", "2");
        EndPoint endPoint = await server.WaitForListeningAsync();

        using Socket first = await SocketTestExtensions.ConnectAsync(endPoint);
        using Socket second = await SocketTestExtensions.ConnectAsync(endPoint);
        await AssertEchoesAsync(first, "first");
        await AssertEchoesAsync(second, "second");

        using Socket third = await SocketTestExtensions.ConnectAsync(endPoint);
        Assert.Equal(0, await third.ReceiveToEndAsync());
        await server.WaitForStandardErrorAsync("MaxConnections is 2");

        await AssertEchoesAsync(first, "first, still served");
        await AssertEchoesAsync(second, "second, still served");
    }

    [Fact]
    public async Task IdleTimeoutClosesSilentConnections()
    {
        await using var server = PipenetProcess.Start("echo", "--listen", "127.0.0.1:0", "--idle-timeout", "300");
        EndPoint endPoint = await server.WaitForListeningAsync();

        using Socket silent = await SocketTestExtensions.ConnectAsync(endPoint);
        var sinceConnect = Stopwatch.StartNew();
        bool closed;
        try
        {
            closed = await silent.ReceiveAsync(new byte[16].AsMemory()).AsTask().WithTimeout(TimeSpan.FromSeconds(5)) == 0;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            closed = true; // The idle timeout aborts the connection: the peer sees a reset.
        }

        Assert.True(closed, "The server sent data to a client that sent none.");
        Assert.InRange(sinceConnect.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task PortInUseExitsWithOneAndSaysEaddrinuse()
    {
        using var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupant.Listen();
        int port = ((IPEndPoint)occupant.LocalEndPoint!).Port;

        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync("echo", "--listen", $"127.0.0.1:{port}");
        await using (run)
        {
            Assert.Equal(1, exitCode);
            Assert.StartsWith($"pipenet: listen 127.0.0.1:{port}: EADDRINUSE", Assert.Single(run.StandardErrorLines));
            Assert.Empty(run.StandardOutputLines);
        }
    }

    [Fact]
    public async Task EventsApiEchoesThroughTheFacade()
    {
        await using var server = PipenetProcess.Start("echo", "--listen", "127.0.0.1:0", "--api", "events");
        EndPoint endPoint = await server.WaitForListeningAsync();
        await AssertEchoesAsync(endPoint, "through NetSocket events");
        await server.SignalAsync("TERM");
        Assert.Equal(0, await server.WaitForExitAsync());
    }

    private static async Task AssertStopsGracefullyOnAsync(string signal)
    {
        await using var server = PipenetProcess.Start("echo", "--listen", "127.0.0.1:0");
        EndPoint endPoint = await server.WaitForListeningAsync();
        using Socket client = await SocketTestExtensions.ConnectAsync(endPoint);
        await AssertEchoesAsync(client, "before the signal");

        var sinceSignal = Stopwatch.StartNew();
        await server.SignalAsync(signal);

        // Graceful: the open connection is asked to close and ends with a FIN, not a reset, and the server
        // does not sit out its 5 s grace period first.
        Assert.Equal(0, await client.ReceiveToEndAsync());
        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.True(sinceSignal.Elapsed < TimeSpan.FromSeconds(4), $"Stopping took {sinceSignal.Elapsed}.");
        await server.WaitForStandardErrorAsync($"Received SIG{signal}");
        await server.WaitForStandardErrorAsync("Stopped after serving 1 connections");
    }

    private static async Task AssertEchoesAsync(EndPoint endPoint, string text)
    {
        using Socket client = await SocketTestExtensions.ConnectAsync(endPoint);
        await AssertEchoesAsync(client, text);
    }

    private static async Task AssertEchoesAsync(Socket client, string text)
    {
        byte[] message = Encoding.UTF8.GetBytes(text);
        await client.SendAsync(message).WithTimeout();
        Assert.Equal(message, await client.ReceiveExactlyAsync(message.Length));
    }
}
