using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using PipeNet.Tests;

namespace PipeNet.Transport.Tcp.Tests;

/// <summary>Run once per engine: the connection behaviour both engines must share.</summary>
public abstract class FeatureTests(TransportEngine engine)
{
    private TcpTransportOptions Options() => new() { Engine = engine };

    [Fact]
    public async Task BuiltInFeaturesAnswerWithoutBeingSet()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using var connection = await server.AcceptAsync();

        IFeatureCollection features = connection.Features;
        Assert.Equal(connection.ConnectionId, features.Get<IConnectionIdFeature>()!.ConnectionId);
        Assert.Same(connection.Transport, features.Get<IConnectionTransportFeature>()!.Transport);
        Assert.Equal(client.LocalEndPoint, features.Get<IConnectionEndPointFeature>()!.RemoteEndPoint);
        Assert.NotNull(features.Get<IConnectionBytesFeature>());
        Assert.NotNull(features.Get<ISocketOptionsFeature>());
        Assert.NotNull(features.Get<IConnectionCloseReasonFeature>());
        Assert.Null(features.Get<ITlsHandshakeFeature>());
        Assert.Equal(10, features.Count());
    }

    [Fact]
    public async Task LifetimeTokensFireOnceWhetherTakenBeforeOrAfterTheEvent()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        var connection = await server.AcceptAsync();
        var lifetime = connection.Features.Get<IConnectionLifetimeNotificationFeature>()!;

        // Taken before: cancelled by the event. Taken after: born cancelled.
        CancellationToken closeRequested = lifetime.ConnectionClosedRequested;
        CancellationToken closed = connection.ConnectionClosed;
        Assert.False(closeRequested.IsCancellationRequested);
        lifetime.RequestClose();
        Assert.True(closeRequested.IsCancellationRequested);
        Assert.True(lifetime.ConnectionClosedRequested.IsCancellationRequested);
        Assert.False(closed.IsCancellationRequested);

        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration registration = closed.Register(() => fired.TrySetResult());
        await connection.DisposeAsync();
        await fired.Task.WithTimeout();
        Assert.True(connection.ConnectionClosed.IsCancellationRequested);
    }

    [Fact]
    public async Task AddedFeaturesAreFoundReplaceBuiltInOnesAndCanBeRemoved()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using var connection = await server.AcceptAsync();
        IFeatureCollection features = connection.Features;
        int revision = features.Revision;

        var marker = new Marker();
        features.Set(marker);
        var bytes = new FixedBytes();
        features.Set<IConnectionBytesFeature>(bytes);

        Assert.Same(marker, features.Get<Marker>());
        Assert.Same(bytes, features.Get<IConnectionBytesFeature>());
        Assert.Same(marker, features[typeof(Marker)]);
        Assert.True(features.Revision > revision);
        Assert.Equal(11, features.Count());
        Assert.Contains(features, f => f.Key == typeof(IConnectionBytesFeature) && ReferenceEquals(f.Value, bytes));

        var clock = new IdleClockStub();
        features.Set<IConnectionIdleTimeoutFeature>(clock);
        Assert.Same(clock, features.Get<IConnectionIdleTimeoutFeature>());
        Assert.Equal(12, features.Count());
        features.Set<IConnectionIdleTimeoutFeature>(null);

        features.Set<Marker>(null);
        features.Set<ISocketOptionsFeature>(null);

        Assert.Null(features.Get<Marker>());
        Assert.Null(features.Get<ISocketOptionsFeature>());
        Assert.Equal(9, features.Count());
        Assert.Throws<ArgumentNullException>(() => features[null!]);
    }

    private sealed class Marker;

    private sealed class IdleClockStub : IConnectionIdleTimeoutFeature
    {
        public TimeSpan? IdleTimeout { get; set; }

        public Action<Microsoft.AspNetCore.Connections.ConnectionContext>? TimedOut { get; set; }

        public void ResetIdleClock()
        {
        }
    }

    private sealed class FixedBytes : IConnectionBytesFeature
    {
        public long BytesRead => 1;

        public long BytesWritten => 2;
    }
}

public sealed class FeatureTestsOnEpoll() : FeatureTests(TransportEngine.Epoll);

public sealed class FeatureTestsOnSockets() : FeatureTests(TransportEngine.Sockets);
