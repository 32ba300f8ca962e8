using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

/// <summary>The seed's pause/resume rules, and PipeNet's: a paused receive side has no pending receive and no buffer.</summary>
public class PauseResumeTests
{
    [RawFact]
    public async Task ANewSocketReceivesAndIsNotSendPaused()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);

        Assert.False(socket.ReceivePaused);
        Assert.False(socket.SendPaused);
        await Until.TrueAsync(() => socket.IsReceiveLoopRunning, "the receive loop runs");
        Assert.Equal(0, socket.RentedReceiveBuffers); // waiting for a datagram holds no buffer
    }

    [RawFact]
    public async Task APausedReceiveSideHasNoPendingReceiveAndNoBuffer()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        await Until.TrueAsync(() => socket.IsReceiveLoopRunning, "the receive loop runs");

        Assert.Same(socket, socket.PauseReceive());

        Assert.True(socket.ReceivePaused);
        await Until.TrueAsync(() => !socket.IsReceiveLoopRunning, "the receive loop ends");
        Assert.Equal(0, socket.RentedReceiveBuffers);
    }

    [RawFact]
    public async Task DatagramsWaitInTheKernelWhileReceiveIsPaused()
    {
        using RawSocket paused = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        using RawSocket observer = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        var pausedReceived = new DatagramCollector(paused);
        var observed = new DatagramCollector(observer);
        paused.PauseReceive();
        ushort id = Echo.NewIdentifier();

        byte[] request = Echo.Request(id, 1);
        paused.Send(request, 0, request.Length, "127.0.0.1");

        // Every raw ICMP socket gets a copy: once the observer has the reply, the paused socket's copy is queued.
        await observed.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.ReplyType, id, 1));
        await Task.Delay(100);
        Assert.Equal(0, pausedReceived.Count);
        Assert.True(paused.ReceivePaused); // sending did not resume receiving

        paused.ResumeReceive();

        Assert.False(paused.ReceivePaused);
        await pausedReceived.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.RequestType, id, 1));
        await pausedReceived.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.ReplyType, id, 1));
    }

    [RawFact]
    public async Task PausingInsideAHandlerStopsTheNextMessage()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        ushort id = Echo.NewIdentifier();
        var ours = new List<byte>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.OnMessage((data, _) =>
        {
            byte[] datagram = data.ToArray();
            if (Echo.IsV4(datagram, IcmpEcho.RequestType, id, 1) || Echo.IsV4(datagram, IcmpEcho.ReplyType, id, 1))
            {
                lock (ours)
                {
                    ours.Add(datagram[IPv4Header.MinLength]);
                }

                socket.PauseReceive();
                first.TrySetResult();
            }
        });

        byte[] request = Echo.Request(id, 1);
        socket.Send(request, 0, request.Length, "127.0.0.1");
        await first.Task.WithTimeout();
        await Until.TrueAsync(() => !socket.IsReceiveLoopRunning, "the receive loop ends");
        await Task.Delay(100);

        lock (ours)
        {
            Assert.Equal([IcmpEcho.RequestType], ours); // the reply is queued, not delivered
        }

        socket.ResumeReceive();
        await Until.TrueAsync(() => { lock (ours) { return ours.Count == 2; } }, "the reply arrives after resuming");
        Assert.Equal(IcmpEcho.ReplyType, ours[1]);
    }

    [RawFact]
    public void SendingResumesAPausedSendSide()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        byte[] request = Echo.Request(Echo.NewIdentifier(), 1);
        int sent = 0;

        Assert.Same(socket, socket.PauseSend());
        Assert.True(socket.SendPaused);

        socket.Send(request, 0, request.Length, "127.0.0.1", afterSend: (_, _) => sent++);

        Assert.False(socket.SendPaused);
        Assert.Equal(1, sent);
    }

    [RawFact]
    public void APausedSendSideHoldsQueuedDatagramsUntilResumed()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        ushort id = Echo.NewIdentifier();
        var order = new List<string>();
        byte[] second = Echo.Request(id, 2);
        byte[] third = Echo.Request(id, 3);

        // Datagrams queued while another is being sent wait their turn; pausing in between holds them.
        byte[] first = Echo.Request(id, 1);
        socket.Send(first, 0, first.Length, "127.0.0.1",
            beforeSend: () =>
            {
                socket.Send(second, 0, second.Length, "127.0.0.1", afterSend: (_, _) => order.Add("second"));
                socket.Send(third, 0, third.Length, "127.0.0.1", afterSend: (_, _) => order.Add("third"));
            },
            afterSend: (_, _) =>
            {
                order.Add("first");
                socket.PauseSend();
            });

        Assert.Equal(["first"], order);
        Assert.True(socket.SendPaused);

        socket.ResumeSend();

        Assert.Equal(["first", "second", "third"], order);
        Assert.False(socket.SendPaused);
    }

    [RawFact]
    public async Task AQueuedSendAsyncCanBeCancelled()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        ushort id = Echo.NewIdentifier();
        using var cancellation = new CancellationTokenSource();
        ValueTask<int> queued = default;
        byte[] first = Echo.Request(id, 1);

        socket.Send(first, 0, first.Length, "127.0.0.1",
            beforeSend: () => queued = socket.SendAsync(Echo.Request(id, 2), System.Net.IPAddress.Loopback, cancellation.Token),
            afterSend: (_, _) => socket.PauseSend());
        Assert.False(queued.IsCompleted);

        await cancellation.CancelAsync();
        socket.ResumeSend();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WithTimeout());
    }

    [RawFact]
    public async Task ClosingFailsQueuedSends()
    {
        RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        ushort id = Echo.NewIdentifier();
        Exception? callbackError = null;
        ValueTask<int> queuedAsync = default;
        byte[] first = Echo.Request(id, 1);
        byte[] second = Echo.Request(id, 2);

        socket.Send(first, 0, first.Length, "127.0.0.1",
            beforeSend: () =>
            {
                socket.Send(second, 0, second.Length, "127.0.0.1", afterSend: (error, _) => callbackError = error);
                queuedAsync = socket.SendAsync(Echo.Request(id, 3), System.Net.IPAddress.Loopback);
            },
            afterSend: (_, _) => socket.PauseSend());
        socket.Close();

        Assert.Equal(NetErrorCode.Canceled, Assert.IsType<NetException>(callbackError).Code);
        var asyncError = await Assert.ThrowsAsync<NetException>(() => queuedAsync.WithTimeout());
        Assert.Equal(NetErrorCode.Canceled, asyncError.Code);
    }
}
