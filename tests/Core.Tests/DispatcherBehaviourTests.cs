using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using PipeNet.Transport.Tcp;

namespace PipeNet.Tests;

public sealed class DispatcherBehaviourTests
{
    private static readonly AsyncLocal<string?> s_flowed = new();

    [Fact]
    public async Task AnApplicationExceptionEndsOnlyItsOwnConnection()
    {
        await using DispatcherHarness server = await DispatcherHarness.StartAsync(async connection =>
        {
            ReadResult result = await connection.Transport.Input.ReadAsync();
            string text = Encoding.ASCII.GetString(result.Buffer);
            connection.Transport.Input.AdvanceTo(result.Buffer.End);
            if (text == "boom")
            {
                throw new InvalidOperationException("handler failure");
            }

            await connection.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes(text));
            await EchoApplication.RunAsync(connection);
        });

        using Socket good = await server.AssertAFailureEndsOnlyItsOwnConnectionAsync();
    }

    [Fact]
    public async Task KeepAliveAndNoDelayDefaultsAreAppliedToEveryAcceptedConnection()
    {
        var keepAlive = new KeepAliveSettings(true, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), 4);
        var seen = new TaskCompletionSource<(KeepAliveSettings, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using DispatcherHarness server = await DispatcherHarness.StartAsync(connection =>
        {
            var options = connection.Features.Get<ISocketOptionsFeature>()!;
            seen.SetResult((options.GetKeepAlive(), options.NoDelay));
            return Task.CompletedTask;
        }, new ConnectionDispatcherOptions { KeepAlive = keepAlive, NoDelay = false });

        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        Assert.Equal((keepAlive, false), await seen.Task.WithTimeout());
    }

    [Fact]
    public async Task TransientAcceptErrorsAreRetriedWithBackoffAndFatalOnesSurface()
    {
        var clock = new WatchedClock();
        var listener = new ScriptedListener(
            new NetException(NetErrorCode.TooManyOpenFiles, "EMFILE"),
            new NetException(NetErrorCode.TooManyOpenFiles, "EMFILE"),
            null, // a connection
            new InvalidOperationException("the listener broke"));
        var served = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new ConnectionDispatcher(_ => { served.TrySetResult(); return Task.CompletedTask; }, new ConnectionDispatcherOptions { TimeProvider = clock });
        await dispatcher.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), listener);

        // The first failure backs off 10 ms, the second 20 ms: nothing is retried before its time. The clock moves
        // only once the back-off's timer exists (a timer made after an advance would start from the advanced time).
        await listener.WaitForAttemptsAsync(1);
        await clock.WaitForTimersAsync(TimeSpan.FromMilliseconds(10));
        clock.Advance(TimeSpan.FromMilliseconds(9));
        Assert.Equal(1, listener.Attempts);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await listener.WaitForAttemptsAsync(2);
        await clock.WaitForTimersAsync(TimeSpan.FromMilliseconds(20));
        clock.Advance(TimeSpan.FromMilliseconds(20));
        await served.Task.WithTimeout();

        var fatal = await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.Completion.WithTimeout());
        Assert.Equal("the listener broke", fatal.Message);
        await dispatcher.StopAsync(TimeSpan.FromSeconds(1)).WithTimeout();
    }

    [Fact]
    public async Task TeardownRunsInTheExecutionContextTheServerWasBoundIn()
    {
        // What an await in the dispatcher would give: the teardown (here, its "closed" log) sees the context the
        // accept loop runs in, not whatever the application's last continuation ran in.
        var closedLogs = new ClosedLogRecorder();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s_flowed.Value = "bound";
        var dispatcher = new ConnectionDispatcher(async connection =>
        {
            started.SetResult();
            await release.Task;
            s_flowed.Value = "application";
        }, null, closedLogs);
        EndPoint endPoint = await dispatcher.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), new TcpListenerFactory());
        s_flowed.Value = null;
        try
        {
            using Socket client = await SocketTestExtensions.ConnectAsync(endPoint);
            await started.Task.WithTimeout();
            release.SetResult();
            Assert.Equal("bound", await closedLogs.NextAsync());
        }
        finally
        {
            await dispatcher.StopAsync(TimeSpan.FromSeconds(5)).WithTimeout();
        }
    }

    [Fact]
    public async Task WhatASynchronousApplicationDoesToTheExecutionContextStaysWithItsOwnConnection()
    {
        var closedLogs = new ClosedLogRecorder();
        var seen = Channel.CreateUnbounded<string?>();
        s_flowed.Value = "bound";
        var dispatcher = new ConnectionDispatcher(connection =>
        {
            // Not an async method: nothing but the dispatcher restores the context this changes.
            seen.Writer.TryWrite(s_flowed.Value);
            s_flowed.Value = "changed by " + connection.ConnectionId;
            return connection.Transport.Input.ReadAsync().AsTask();
        }, null, closedLogs);
        EndPoint endPoint = await dispatcher.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), new TcpListenerFactory());
        s_flowed.Value = null;
        try
        {
            for (int i = 0; i < 2; i++)
            {
                using Socket client = await SocketTestExtensions.ConnectAsync(endPoint);
                Assert.Equal("bound", await seen.Reader.ReadAsync().WithTimeout());
                client.Shutdown(SocketShutdown.Send);
                Assert.StartsWith("changed by ", await closedLogs.NextAsync()); // as an await after the call would see
            }
        }
        finally
        {
            await dispatcher.StopAsync(TimeSpan.FromSeconds(5)).WithTimeout();
        }
    }

    [Fact]
    public async Task BadArgumentsAreRejectedWithTheirNames()
    {
        Assert.Equal("application", Assert.Throws<ArgumentNullException>(() => new ConnectionDispatcher(null!)).ParamName);
        await using var dispatcher = new ConnectionDispatcher(_ => Task.CompletedTask);
        Assert.Equal("endPoint", (await Assert.ThrowsAsync<ArgumentNullException>(() => dispatcher.BindAsync(null!, new ScriptedListener()))).ParamName);
        Assert.Equal("listenerFactory", (await Assert.ThrowsAsync<ArgumentNullException>(() => dispatcher.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), null!))).ParamName);

        var options = new ConnectionDispatcherOptions();
        Assert.Equal("MaxConnections", Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxConnections = -1).ParamName);
        Assert.Equal("IdleTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => options.IdleTimeout = TimeSpan.Zero).ParamName);
        Assert.Equal("HeartbeatInterval", Assert.Throws<ArgumentOutOfRangeException>(() => options.HeartbeatInterval = TimeSpan.Zero).ParamName);
        Assert.Equal("ShutdownTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => options.ShutdownTimeout = TimeSpan.FromSeconds(-1)).ParamName);
        Assert.Equal("TimeProvider", Assert.Throws<ArgumentNullException>(() => options.TimeProvider = null!).ParamName);
        Assert.Equal("KeepAlive", Assert.Throws<ArgumentOutOfRangeException>(() => options.KeepAlive = new KeepAliveSettings(true, TimeSpan.Zero, TimeSpan.FromSeconds(1), 1)).ParamName);
        options.MaxConnections = null;
        Assert.Null(options.MaxConnections);
    }

    /// <summary>A listener that plays back a script: an exception to throw, or null for an in-memory connection.</summary>
    private sealed class ScriptedListener(params Exception?[] script) : IConnectionListenerFactory, IConnectionListener
    {
        private readonly Queue<Exception?> _script = new(script);
        private readonly TaskCompletionSource _unbound = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly SemaphoreSlim _attempted = new(0);
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public EndPoint EndPoint { get; } = new IPEndPoint(IPAddress.Loopback, 1);

        public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) => new(this);

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _attempts);
            _attempted.Release();
            if (_script.TryDequeue(out Exception? step))
            {
                if (step is not null)
                {
                    throw step;
                }

                var input = new Pipe();
                var output = new Pipe();
                input.Writer.Complete();
                return new DefaultConnectionContext("scripted", new DuplexPipe(input.Reader, output.Writer), new DuplexPipe(output.Reader, input.Writer));
            }

            await _unbound.Task.WaitAsync(cancellationToken);
            return null;
        }

        public async Task WaitForAttemptsAsync(int count)
        {
            while (Attempts < count)
            {
                await _attempted.WaitAsync().WithTimeout();
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            _unbound.TrySetResult();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => UnbindAsync();

        private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
        {
            public PipeReader Input { get; } = input;

            public PipeWriter Output { get; } = output;
        }
    }

    /// <summary>Records, for each "connection closed" log, the <see cref="s_flowed"/> value it was written in.</summary>
    private sealed class ClosedLogRecorder : ILoggerFactory, ILogger
    {
        private const int ConnectionClosedEventId = 2;
        private readonly Channel<string?> _closed = Channel.CreateUnbounded<string?>();

        public Task<string?> NextAsync() => _closed.Reader.ReadAsync().WithTimeout();

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == ConnectionClosedEventId)
            {
                _closed.Writer.TryWrite(s_flowed.Value);
            }
        }
    }
}
