using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using PipeNet.Tests;

namespace PipeNet.Resolver.Tests;

/// <summary>The Happy Eyeballs race, driven by a test double connector and a fake clock.</summary>
public sealed class HappyEyeballsTests
{
    private static readonly IPAddress s_v6a = IPAddress.Parse("2001:db8::1");
    private static readonly IPAddress s_v6b = IPAddress.Parse("2001:db8::2");
    private static readonly IPAddress s_v4a = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress s_v4b = IPAddress.Parse("192.0.2.2");

    private readonly FakeTimeProvider _clock = new();
    private readonly RecordingObserver _events = new();

    private HappyEyeballsConnector NewConnector(int delayMs = 250) =>
        new(new HappyEyeballsOptions { AttemptDelay = TimeSpan.FromMilliseconds(delayMs), TimeProvider = _clock });

    [Fact]
    public void InterleavesFamiliesStartingWithTheFirstAddresssFamily()
    {
        Assert.Equal([s_v6a, s_v4a, s_v6b, s_v4b], HappyEyeballsConnector.Interleave([s_v6a, s_v6b, s_v4a, s_v4b]));
        Assert.Equal([s_v4a, s_v6a, s_v4b, s_v6b], HappyEyeballsConnector.Interleave([s_v4a, s_v4b, s_v6a, s_v6b]));
        Assert.Equal([s_v6a, s_v4a, s_v4b], HappyEyeballsConnector.Interleave([s_v6a, s_v4a, s_v4b]));
        Assert.Equal([s_v4a, s_v4b], HappyEyeballsConnector.Interleave([s_v4a, s_v4b]));
    }

    [Fact]
    public async Task WhenIPv6RefusesIPv4WinsAtOnceAndBothAttemptsAreReported()
    {
        var connector = new TestConnector { [s_v6a] = Outcome.Refuse, [s_v4a] = Outcome.Accept };

        TestConnection winner = await NewConnector().ConnectAsync([s_v6a, s_v4a], connector.ConnectAsync, _events).WithTimeout();

        Assert.Equal(s_v4a, winner.Address);
        Assert.Equal(["attempt 2001:db8::1", "failed 2001:db8::1 ECONNREFUSED", "attempt 192.0.2.1"], _events.Lines);
    }

    [Fact]
    public async Task WhenIPv6HangsIPv4StartsAfterTheAttemptDelayAndWins()
    {
        var connector = new TestConnector { [s_v6a] = Outcome.Hang, [s_v4a] = Outcome.Accept };

        Task<TestConnection> connect = NewConnector().ConnectAsync([s_v6a, s_v4a], connector.ConnectAsync, _events).AsTask();
        await connector.Started(s_v6a).WithTimeout();
        _clock.Advance(TimeSpan.FromMilliseconds(249));
        Assert.False(connector.HasStarted(s_v4a));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        TestConnection winner = await connect.WithTimeout();

        Assert.Equal(s_v4a, winner.Address);
        Assert.Equal(["attempt 2001:db8::1", "timeout 2001:db8::1", "attempt 192.0.2.1"], _events.Lines);
        await connector.Cancelled(s_v6a).WithTimeout(); // the loser is cancelled
    }

    [Fact]
    public async Task ALoserThatConnectsAnywayIsDisposed()
    {
        var connector = new TestConnector { [s_v6a] = Outcome.HangThenAcceptIgnoringCancel, [s_v4a] = Outcome.Accept };

        Task<TestConnection> connect = NewConnector().ConnectAsync([s_v6a, s_v4a], connector.ConnectAsync, _events).AsTask();
        await connector.Started(s_v6a).WithTimeout();
        _clock.Advance(TimeSpan.FromMilliseconds(250));
        TestConnection winner = await connect.WithTimeout();
        connector.Release(s_v6a);

        TestConnection late = await connector.Connection(s_v6a).WithTimeout();
        await late.Disposed.WithTimeout();
        Assert.False(winner.Disposed.IsCompleted);
    }

    [Fact]
    public async Task EveryAddressFailingReportsEachFailure()
    {
        var connector = new TestConnector { [s_v6a] = Outcome.Refuse, [s_v4a] = Outcome.Refuse, [s_v6b] = Outcome.Unreachable };

        var error = await Assert.ThrowsAsync<NetException>(() => NewConnector().ConnectAsync([s_v6a, s_v6b, s_v4a], connector.ConnectAsync, _events).AsTask().WithTimeout());

        Assert.Equal(NetErrorCode.HostUnreachable, error.Code); // the last attempt's code
        Assert.Contains("all 3 connection attempts failed", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, Assert.IsType<AggregateException>(error.InnerException).InnerExceptions.Count);
        Assert.Equal(3, _events.Lines.Count(l => l.StartsWith("failed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ASingleAddressFailsWithItsOwnError()
    {
        var connector = new TestConnector { [s_v4a] = Outcome.Refuse };

        var error = await Assert.ThrowsAsync<NetException>(() => NewConnector().ConnectAsync([s_v4a], connector.ConnectAsync, _events).AsTask().WithTimeout());

        Assert.Equal(NetErrorCode.ConnectionRefused, error.Code);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public async Task ThreeHangingAttemptsRunSideBySideAndTheSecondToAnswerWins()
    {
        var connector = new TestConnector { [s_v6a] = Outcome.Hang, [s_v4a] = Outcome.HangThenAccept, [s_v6b] = Outcome.Hang };

        Task<TestConnection> connect = NewConnector().ConnectAsync([s_v6a, s_v6b, s_v4a], connector.ConnectAsync, _events).AsTask();
        await connector.Started(s_v6a).WithTimeout();
        _clock.Advance(TimeSpan.FromMilliseconds(250));
        await connector.Started(s_v4a).WithTimeout();
        _clock.Advance(TimeSpan.FromMilliseconds(250));
        await connector.Started(s_v6b).WithTimeout();
        connector.Release(s_v4a);
        TestConnection winner = await connect.WithTimeout();

        Assert.Equal(s_v4a, winner.Address);
        await connector.Cancelled(s_v6a).WithTimeout();
        await connector.Cancelled(s_v6b).WithTimeout();
    }

    [Fact]
    public async Task CancellingTheCallerCancelsEveryAttempt()
    {
        var connector = new TestConnector { [s_v6a] = Outcome.Hang, [s_v4a] = Outcome.Hang };
        using var cancel = new CancellationTokenSource();

        Task<TestConnection> connect = NewConnector().ConnectAsync([s_v6a, s_v4a], connector.ConnectAsync, _events, cancel.Token).AsTask();
        await connector.Started(s_v6a).WithTimeout();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connect.WithTimeout());
        await connector.Cancelled(s_v6a).WithTimeout();
        Assert.False(connector.HasStarted(s_v4a));
    }

    [Fact]
    public async Task NoAddressesIsAnArgumentError()
    {
        var connector = new TestConnector();
        await Assert.ThrowsAsync<ArgumentException>(() => NewConnector().ConnectAsync([], connector.ConnectAsync).AsTask());
    }

    private enum Outcome
    {
        Accept,
        Refuse,
        Unreachable,
        Hang,
        HangThenAccept,
        HangThenAcceptIgnoringCancel,
    }

    private sealed class TestConnection(IPAddress address) : IAsyncDisposable
    {
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IPAddress Address { get; } = address;

        public Task Disposed => _disposed.Task;

        public ValueTask DisposeAsync()
        {
            _disposed.TrySetResult();
            return default;
        }
    }

    /// <summary>A connect step whose outcome per address the test sets, and whose progress the test can await.</summary>
    private sealed class TestConnector : System.Collections.IEnumerable
    {
        private readonly Dictionary<IPAddress, Outcome> _outcomes = [];
        private readonly ConcurrentDictionary<IPAddress, TaskCompletionSource> _started = new();
        private readonly ConcurrentDictionary<IPAddress, TaskCompletionSource> _cancelled = new();
        private readonly ConcurrentDictionary<IPAddress, TaskCompletionSource> _release = new();
        private readonly ConcurrentDictionary<IPAddress, TaskCompletionSource<TestConnection>> _connections = new();

        public Outcome this[IPAddress address]
        {
            set => _outcomes[address] = value;
        }

        public Task Started(IPAddress address) => Signal(_started, address).Task;

        public bool HasStarted(IPAddress address) => Signal(_started, address).Task.IsCompleted;

        public Task Cancelled(IPAddress address) => Signal(_cancelled, address).Task;

        public Task<TestConnection> Connection(IPAddress address) => _connections.GetOrAdd(address, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public void Release(IPAddress address) => Signal(_release, address).TrySetResult();

        public async ValueTask<TestConnection> ConnectAsync(IPAddress address, CancellationToken cancellationToken)
        {
            Signal(_started, address).TrySetResult();
            using CancellationTokenRegistration registration = cancellationToken.Register(() => Signal(_cancelled, address).TrySetResult());
            switch (_outcomes[address])
            {
                case Outcome.Refuse:
                    throw new NetException(NetErrorCode.ConnectionRefused, $"connect {address}: ECONNREFUSED");
                case Outcome.Unreachable:
                    throw new NetException(NetErrorCode.HostUnreachable, $"connect {address}: EHOSTUNREACH");
                case Outcome.Hang:
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    break;
                case Outcome.HangThenAccept:
                    await Signal(_release, address).Task.WaitAsync(cancellationToken);
                    break;
                case Outcome.HangThenAcceptIgnoringCancel:
                    await Signal(_release, address).Task;
                    break;
            }

            var connection = new TestConnection(address);
            _connections.GetOrAdd(address, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(connection);
            return connection;
        }

        public System.Collections.IEnumerator GetEnumerator() => _outcomes.GetEnumerator();

        private static TaskCompletionSource Signal(ConcurrentDictionary<IPAddress, TaskCompletionSource> signals, IPAddress address) =>
            signals.GetOrAdd(address, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    private sealed class RecordingObserver : IConnectionAttemptObserver
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public List<string> Lines => [.. _lines];

        public void OnAttempt(IPAddress address) => _lines.Enqueue($"attempt {address}");

        public void OnAttemptFailed(IPAddress address, Exception error) => _lines.Enqueue($"failed {address} {NetException.GetCode(error)}");

        public void OnAttemptTimeout(IPAddress address) => _lines.Enqueue($"timeout {address}");
    }
}
