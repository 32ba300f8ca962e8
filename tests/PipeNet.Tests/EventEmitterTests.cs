using System.Buffers;

namespace PipeNet.Tests;

public sealed class EventEmitterTests
{
    [Fact]
    public void HandlersRunInRegistrationOrderAndOffRemovesExactlyThatHandler()
    {
        var socket = new NetSocket();
        var calls = new List<string>();
        Action first = () => calls.Add("first");
        Action second = () => calls.Add("second");
        socket.On("custom", first).On("custom", second).On("custom", first);

        socket.Trigger("custom");
        Assert.Equal(["first", "second", "first"], calls);

        calls.Clear();
        socket.Off("custom", first); // the most recent instance, as Node
        socket.Trigger("custom");
        Assert.Equal(["first", "second"], calls);
        Assert.Equal(2, socket.ListenerCount("custom"));
    }

    [Fact]
    public void OnceRemovesItselfBeforeItRuns()
    {
        var socket = new NetSocket();
        int count = 0;
        socket.Once("custom", () =>
        {
            count++;
            socket.Trigger("custom"); // re-entrant trigger must not run it again
        });

        socket.Trigger("custom").Trigger("custom");
        Assert.Equal(1, count);
        Assert.Equal(0, socket.ListenerCount("custom"));
    }

    [Fact]
    public void TriggerPassesItsArgumentToCustomAndTypedHandlers()
    {
        var socket = new NetSocket();
        object? seen = null;
        string? text = null;
        socket.On("custom", (Action<object?>)(value => seen = value));
        socket.On("data", (Action<string>)(value => text = value));

        socket.Trigger("custom", 42).Trigger("data", "hello");
        Assert.Equal(42, seen);
        Assert.Equal("hello", text);
    }

    [Fact]
    public void AWrongHandlerShapeIsRejectedAtRegistrationNamingTheEvent()
    {
        var socket = new NetSocket();
        var error = Assert.Throws<ArgumentException>(() => socket.On("data", (Action<int>)(_ => { })));
        Assert.Equal("handler", error.ParamName);
        Assert.Contains("'data'", error.Message);
        Assert.Contains("ReadOnlySequence<byte>", error.Message);
        Assert.Contains("Action<Int32>", error.Message);

        Assert.Throws<ArgumentException>(() => socket.On("close", (Action<string>)(_ => { })));
        Assert.Throws<ArgumentException>(() => socket.On("", () => { }));
        Assert.Throws<ArgumentNullException>(() => socket.On("data", null!));
    }

    [Fact]
    public void TypedHelpersAndSelfHandlersAreAccepted()
    {
        var socket = new NetSocket();
        socket.OnData((ReadOnlySequence<byte> _) => { })
            .OnData(_ => ValueTask.CompletedTask)
            .OnClose(_ => { })
            .On("end", (Action<NetSocket>)(s => Assert.Same(socket, s)));
        Assert.Equal(2, socket.ListenerCount("data"));
        socket.Trigger("end");
        socket.RemoveAllListeners("data");
        Assert.Equal(0, socket.ListenerCount("data"));
    }

    [Fact]
    public void HandlersBelongToTheirEmitterThoughBuiltInEventsAreSharedByTheType()
    {
        var first = new NetSocket();
        var second = new NetSocket();
        int custom = 0;
        first.OnData((ReadOnlySequence<byte> _) => { }).On("custom", () => { custom++; });

        Assert.Equal(1, first.ListenerCount("data"));
        Assert.Equal(0, second.ListenerCount("data"));
        Assert.Equal(0, second.ListenerCount("custom"));
        second.Trigger("custom");
        Assert.Equal(0, custom);
        first.Trigger("custom");
        Assert.Equal(1, custom);
    }

    [Fact]
    public void OffAndRemoveAllListenersLeaveTheOtherEventsAlone()
    {
        var socket = new NetSocket();
        var calls = new List<string>();
        Action onEnd = () => calls.Add("end");
        Action once = () => calls.Add("once");
        socket.On("end", onEnd).Once("end", once).On("custom", () => calls.Add("custom")).OnClose(_ => calls.Add("close"));

        socket.Off("end", onEnd);
        socket.Trigger("end").Trigger("end");
        Assert.Equal(["once"], calls);
        Assert.Equal(0, socket.ListenerCount("end"));

        socket.RemoveAllListeners("custom");
        socket.Trigger("custom").Trigger("close", false);
        Assert.Equal(["once", "close"], calls);

        socket.RemoveAllListeners();
        socket.Trigger("close", false);
        Assert.Equal(0, socket.ListenerCount("close"));
        Assert.Equal(["once", "close"], calls);
    }

    [Fact]
    public async Task ConcurrentRegistrationsAllLandAndAOnceHandlerRunsOnceAcrossThreads()
    {
        var socket = new NetSocket();
        const int Threads = 8, PerThread = 50;
        await AllAtOnceAsync(Threads, () =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                socket.On("custom", () => { }).OnEnd(() => { });
            }
        });
        Assert.Equal(Threads * PerThread, socket.ListenerCount("custom"));
        Assert.Equal(Threads * PerThread, socket.ListenerCount("end"));

        int runs = 0;
        socket.RemoveAllListeners("custom").Once("custom", () => { Interlocked.Increment(ref runs); });
        await AllAtOnceAsync(Threads, () => socket.Trigger("custom"));
        Assert.Equal(1, runs);
        Assert.Equal(0, socket.ListenerCount("custom"));
        Assert.Equal(Threads * PerThread, socket.ListenerCount("end"));
    }

    [Fact]
    public void RaisingAnEventAllocatesNothing()
    {
        var emitter = new Probe();
        int seen = 0;
        emitter.On("tick", (Action<int>)(value => seen += value)).On("tick", () => { seen++; });
        emitter.Tick(1); // JIT and first-call work out of the way

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            emitter.Tick(1);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(202, seen);
        Assert.Equal(2, emitter.Count);
    }

    [Fact]
    public void AnEventIsDefinedOncePerType()
    {
        var error = Assert.Throws<InvalidOperationException>(Probe.DefineTickAgain);
        Assert.Contains("'tick'", error.Message);
    }

    [Fact]
    public async Task InlineEventsBehaveAsTableEventsAlongsideThem()
    {
        var emitter = new InlineProbe();
        var calls = new List<string>();
        Action first = () => calls.Add("first");
        emitter.On("one", first).Once("one", () => calls.Add("once")).On("one", first)
            .On("three", () => calls.Add("three")).On("table", () => calls.Add("table"));

        emitter.Raise().Raise();
        Assert.Equal(["first", "once", "first", "three", "table", "first", "first", "three", "table"], calls);
        Assert.Equal(2, emitter.ListenerCount("one"));
        Assert.Equal(0, emitter.ListenerCount("two"));

        emitter.Off("one", first).RemoveAllListeners("three");
        calls.Clear();
        emitter.Raise();
        Assert.Equal(["first", "table"], calls);

        // Registrations racing on one inline field all land, and a once-handler there runs once across threads.
        const int Threads = 8, PerThread = 50;
        await AllAtOnceAsync(Threads, () =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                emitter.On("two", () => { });
            }
        });
        Assert.Equal(Threads * PerThread, emitter.ListenerCount("two"));

        int runs = 0;
        emitter.RemoveAllListeners("two").Once("two", () => { Interlocked.Increment(ref runs); });
        await AllAtOnceAsync(Threads, () => emitter.Trigger("two"));
        Assert.Equal(1, runs);

        emitter.RemoveAllListeners();
        Assert.Equal(0, emitter.ListenerCount("one") + emitter.ListenerCount("table"));
    }

    [Fact]
    public void AtMostThreeEventsOfATypeAreInline()
    {
        var error = Assert.Throws<InvalidOperationException>(InlineProbe.DefineFourthInline);
        Assert.Contains("'four'", error.Message);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on <paramref name="threads"/> threads of their own (so they need not wait for the
    /// pool to grow), all released at once from a barrier.
    /// </summary>
    private static async Task AllAtOnceAsync(int threads, Action work)
    {
        using var start = new Barrier(threads);
        await Task.WhenAll(Enumerable.Range(0, threads).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            work();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))).WithTimeout();
    }

    private sealed class Probe : EventEmitter<Probe>
    {
        private static readonly EventSlot s_tick = DefineEvent("tick", "Action<int> or Action", typeof(Action<int>), typeof(Action));

        public int Count => ListenerCount(s_tick);

        public static void DefineTickAgain()
        {
            Assert.NotNull(s_tick); // the type's own definitions first, as any use of the type runs them
            DefineEvent("tick", "Action<int>", typeof(Action<int>));
        }

        public void Tick(int value) => Emit(s_tick, value);
    }

    private sealed class InlineProbe : EventEmitter<InlineProbe>
    {
        private static readonly EventSlot s_one = DefineEvent("one", "Action", inline: true, typeof(Action));
        private static readonly EventSlot s_two = DefineEvent("two", "Action", inline: true, typeof(Action));
        private static readonly EventSlot s_three = DefineEvent("three", "Action", inline: true, typeof(Action));
        private static readonly EventSlot s_table = DefineEvent("table", "Action", typeof(Action));

        public static void DefineFourthInline()
        {
            Assert.NotNull(s_one); // the type's own definitions first
            DefineEvent("four", "Action", inline: true, typeof(Action));
        }

        public InlineProbe Raise()
        {
            Emit(s_one);
            Emit(s_two);
            Emit(s_three);
            Emit(s_table);
            return this;
        }
    }
}
