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
}
