using System.Net.Sockets;
using PipeNet.Tests;

namespace PipeNet.Transport.Tcp.Tests;

/// <summary>Run once per engine: the connection behaviour both engines must share.</summary>
public abstract class KeepAliveTests(TransportEngine engine)
{
    private TcpTransportOptions Options() => new() { Engine = engine };

    [Fact]
    public async Task KeepAliveSettingsAreAppliedAndReadBackThroughGetsockopt()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using var connection = await server.AcceptAsync();
        var options = connection.Features.Get<ISocketOptionsFeature>()!;

        Assert.False(options.GetKeepAlive().Enabled);
        var wanted = new KeepAliveSettings(true, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(3), 5);
        options.SetKeepAlive(wanted);
        Assert.Equal(wanted, options.GetKeepAlive());

        options.SetKeepAlive(KeepAliveSettings.Disabled);
        Assert.False(options.GetKeepAlive().Enabled);
    }

    [Fact]
    public async Task NoDelayIsOnByDefaultAndCanBeTurnedOff()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using var connection = await server.AcceptAsync();
        var options = connection.Features.Get<ISocketOptionsFeature>()!;

        Assert.True(options.NoDelay);
        options.NoDelay = false;
        Assert.False(options.NoDelay);
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, 0, 1)]
    [InlineData(1, 1, 0)]
    [InlineData(1, 1, 128)]
    public async Task RejectsKeepAliveValuesTheKernelCannotTake(int idle, int interval, int count)
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using var connection = await server.AcceptAsync();
        var options = connection.Features.Get<ISocketOptionsFeature>()!;

        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            options.SetKeepAlive(new KeepAliveSettings(true, TimeSpan.FromSeconds(idle), TimeSpan.FromSeconds(interval), count)));
        Assert.Equal("settings", error.ParamName);
    }
}

public sealed class KeepAliveTestsOnEpoll() : KeepAliveTests(TransportEngine.Epoll);

public sealed class KeepAliveTestsOnSockets() : KeepAliveTests(TransportEngine.Sockets);
