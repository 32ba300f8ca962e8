using System.Net;
using System.Net.Sockets;
using System.Text;
using PipeNet.Tests;

namespace PipeNet.Transport.Tcp.Tests;

/// <summary>Run once per engine: the connection behaviour both engines must share.</summary>
public abstract class EchoTests(TransportEngine engine)
{
    private TcpTransportOptions Options() => new() { Engine = engine };

    public static TheoryData<string> EndPoints => new() { "ipv4", "ipv4-any", "ipv6", "dual-stack", "unix-path", "unix-abstract" };

    [Theory]
    [MemberData(nameof(EndPoints))]
    public async Task EchoesOverEveryKindOfEndPoint(string kind)
    {
        string? path = null;
        EndPoint bindTo = kind switch
        {
            "ipv4" => new IPEndPoint(IPAddress.Loopback, 0),
            "ipv4-any" => new IPEndPoint(IPAddress.Any, 0),
            "ipv6" => new IPEndPoint(IPAddress.IPv6Loopback, 0),
            "dual-stack" => new IPEndPoint(IPAddress.IPv6Any, 0),
            "unix-path" => new UnixDomainSocketEndPoint(path = Path.Combine(Path.GetTempPath(), $"pipenet-{Guid.NewGuid():N}.sock")),
            _ => new UnixDomainSocketEndPoint($"\0pipenet-{Guid.NewGuid():N}"),
        };

        await using ListenerHarness server = await ListenerHarness.StartAsync(bindTo, Options());
        EndPoint connectTo = kind is "dual-stack" or "ipv4-any"
            ? new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)server.EndPoint).Port) // IPv4 client, IPv6 (or wildcard) socket
            : server.EndPoint;

        using Socket client = await SocketTestExtensions.ConnectAsync(connectTo);
        await using var connection = await server.AcceptAsync();

        // Each end as the client sees the other (an IPv4 peer of a dual-stack socket shows as ::ffff:a.b.c.d).
        if (client.LocalEndPoint is IPEndPoint clientEnd)
        {
            Assert.Equal(clientEnd, Unmapped(connection.RemoteEndPoint));
            Assert.Equal(client.RemoteEndPoint, Unmapped(connection.LocalEndPoint));
        }
        else
        {
            Assert.IsType<UnixDomainSocketEndPoint>(connection.LocalEndPoint);
            Assert.IsType<UnixDomainSocketEndPoint>(connection.RemoteEndPoint);
        }

        Task echo = EchoApplication.RunAsync(connection);

        byte[] message = Encoding.UTF8.GetBytes($"hello over {kind}");
        await client.SendAsync(message).WithTimeout();
        Assert.Equal(message, await client.ReceiveExactlyAsync(message.Length));

        client.Shutdown(SocketShutdown.Send);
        await echo.WithTimeout();
        if (path is not null)
        {
            Assert.True(File.Exists(path));
        }
    }

    private static IPEndPoint Unmapped(EndPoint? endPoint)
    {
        var ip = Assert.IsType<IPEndPoint>(endPoint);
        return ip.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : ip;
    }

    [Fact]
    public async Task ReportsTheRealPortWhenBoundToPortZero()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());
        var endPoint = Assert.IsType<IPEndPoint>(server.EndPoint);
        Assert.NotEqual(0, endPoint.Port);
        Assert.Equal(IPAddress.Loopback, endPoint.Address);
    }
}

public sealed class EchoTestsOnEpoll() : EchoTests(TransportEngine.Epoll);

public sealed class EchoTestsOnSockets() : EchoTests(TransportEngine.Sockets);
