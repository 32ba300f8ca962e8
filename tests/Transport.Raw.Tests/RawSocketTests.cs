using System.Net;
using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

public class RawSocketTests
{
    [RawFact]
    public async Task EchoesToIPv4LoopbackAndReceivesTheMatchingReply()
    {
        using RawSocket socket = RawSocket.Create(new RawSocketOptions { Protocol = RawProtocol.Icmp });
        var received = new DatagramCollector(socket);
        socket.OnError(ex => Assert.Fail(ex.ToString()));
        ushort id = Echo.NewIdentifier();
        byte[] request = Echo.Request(id, 1);

        socket.Send(request, 0, request.Length, "127.0.0.1");

        // On loopback the socket sees its own request first, then the kernel's reply.
        (byte[] ownRequest, IPAddress requestSource) = await received.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.RequestType, id, 1));
        (byte[] reply, IPAddress source) = await received.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.ReplyType, id, 1));

        Assert.Equal(IPAddress.Loopback, requestSource);
        Assert.Equal(IPAddress.Loopback, source);
        Assert.True(IPv4Header.TryParse(reply, out IPv4Header header));
        Assert.Equal(RawProtocol.Icmp, header.Protocol);
        Assert.Equal(IPAddress.Loopback, header.SourceAddress);
        Assert.True(header.HasValidChecksum);
        Assert.Equal(header.TotalLength, reply.Length); // the event's memory is sized to the datagram
        Assert.True(IcmpEcho.TryParse(header.Payload, out IcmpEchoMessage echo));
        Assert.True(echo.VerifyChecksum());
        Assert.Equal(request.AsSpan(IcmpEcho.HeaderLength).ToArray(), echo.Payload.ToArray());
        Assert.Equal(request.Length + IPv4Header.MinLength, ownRequest.Length);
    }

    [RawFact]
    public async Task EchoesToIPv6LoopbackAndReceivesTheMatchingReply()
    {
        using RawSocket socket = RawSocket.Create(new RawSocketOptions { AddressFamily = RawAddressFamily.IPv6, Protocol = RawProtocol.IcmpV6 });
        var received = new DatagramCollector(socket);
        socket.OnError(ex => Assert.Fail(ex.ToString()));
        ushort id = Echo.NewIdentifier();
        byte[] request = Echo.RequestV6(id, 3, payloadLength: 24);

        int sent = await socket.SendAsync(request, "::1").WithTimeout();

        (byte[] reply, IPAddress source) = await received.WaitForAsync((d, _) => Echo.IsV6(d, Icmpv6Echo.ReplyType, id, 3));
        Assert.Equal(request.Length, sent);
        Assert.Equal(IPAddress.IPv6Loopback, source);
        Assert.Equal(request.Length, reply.Length); // no IPv6 header on IPv6 raw sockets
        Assert.True(Icmpv6Echo.TryParse(reply, out IcmpEchoMessage echo));
        Assert.True(echo.VerifyChecksum(IPAddress.IPv6Loopback, IPAddress.IPv6Loopback));
    }

    [RawFact]
    public async Task GeneratedChecksumsAreWrittenIntoTheBufferBeforeSending()
    {
        using RawSocket socket = RawSocket.Create(new RawSocketOptions { Protocol = RawProtocol.Icmp, GenerateChecksums = true, ChecksumOffset = 2 });
        var received = new DatagramCollector(socket);
        ushort id = Echo.NewIdentifier();
        byte[] request = Echo.Request(id, 1);
        request[2] = 0xBE;
        request[3] = 0xEF; // wrong on purpose: the kernel drops ICMP with bad checksums

        Assert.True(socket.GeneratesChecksums);
        Assert.Equal(2, socket.ChecksumOffset);
        socket.Send(request, 0, request.Length, IPAddress.Loopback);

        Assert.True(InternetChecksum.IsValid(request));
        await received.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.ReplyType, id, 1));
    }

    [RawFact]
    public async Task GenerateChecksumsCanBeTurnedOnAfterCreation()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        var received = new DatagramCollector(socket);
        ushort id = Echo.NewIdentifier();
        byte[] buffer = new byte[100];
        byte[] request = Echo.Request(id, 9);
        request.CopyTo(buffer, 30);
        buffer[32] = 0;
        buffer[33] = 0;

        Assert.Same(socket, socket.GenerateChecksums(true, 2));
        socket.Send(buffer, 30, request.Length, "127.0.0.1");

        Assert.Equal(request, buffer.AsSpan(30, request.Length).ToArray());
        await received.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.ReplyType, id, 9));
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => socket.GenerateChecksums(true, -2)).ParamName);
    }

    [RawFact]
    public void CallsBeforeSendThenAfterSendWithTheBytesSent()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        byte[] request = Echo.Request(Echo.NewIdentifier(), 1);
        var calls = new List<string>();

        socket.Send(request, 0, request.Length, "127.0.0.1",
            () => calls.Add("before"),
            (error, bytes) => calls.Add($"after {error?.Message ?? "ok"} {bytes}"));

        Assert.Equal(["before", $"after ok {request.Length}"], calls);
    }

    [RawFact]
    public void AnExceptionFromBeforeSendGoesToAfterSendAndNothingIsSent()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        byte[] request = Echo.Request(Echo.NewIdentifier(), 1);
        var thrown = new ObjectDisposedException("something of the caller's");
        Exception? reported = null;
        int bytes = -1;

        socket.Send(request, 0, request.Length, "127.0.0.1", () => throw thrown, (error, sent) => (reported, bytes) = (error, sent));

        Assert.Same(thrown, reported);
        Assert.Equal(0, bytes);
        Assert.False(socket.IsClosed);
    }

    [RawFact]
    public void ASendErrorGoesToAfterSend()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        byte[] tooLarge = new byte[70_000];
        Exception? reported = null;
        int reportedBytes = -1;

        socket.Send(tooLarge, 0, tooLarge.Length, "127.0.0.1", afterSend: (error, bytes) => (reported, reportedBytes) = (error, bytes));

        NetException error = Assert.IsType<NetException>(reported);
        Assert.Equal(NetErrorCode.MessageTooLong, error.Code);
        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, reportedBytes);
    }

    [RawFact]
    public void ASendErrorWithoutAfterSendRaisesError()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        var errors = new List<Exception>();
        socket.OnError(errors.Add);
        byte[] tooLarge = new byte[70_000];

        socket.Send(tooLarge, 0, tooLarge.Length, "127.0.0.1");

        Assert.Equal(NetErrorCode.MessageTooLong, Assert.IsType<NetException>(Assert.Single(errors)).Code);
    }

    [RawFact]
    public void ASendErrorWithNoErrorHandlerIsThrown()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        byte[] tooLarge = new byte[70_000];

        var error = Assert.Throws<NetException>(() => socket.Send(tooLarge, 0, tooLarge.Length, "127.0.0.1"));
        Assert.Equal(NetErrorCode.MessageTooLong, error.Code);

        // The send side is usable afterwards.
        byte[] request = Echo.Request(Echo.NewIdentifier(), 1);
        int sent = -1;
        socket.Send(request, 0, request.Length, "127.0.0.1", afterSend: (_, bytes) => sent = bytes);
        Assert.Equal(request.Length, sent);
    }

    [RawFact]
    public async Task SendAsyncReportsBytesAndFailures()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        byte[] request = Echo.Request(Echo.NewIdentifier(), 1);

        Assert.Equal(request.Length, await socket.SendAsync(request, IPAddress.Loopback).WithTimeout());
        var error = await Assert.ThrowsAsync<NetException>(() => socket.SendAsync(new byte[70_000], IPAddress.Loopback).WithTimeout());
        Assert.Equal(NetErrorCode.MessageTooLong, error.Code);
    }

    [RawFact]
    public void RejectsABadAddressNamingIt()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        byte[] request = Echo.Request(1, 1);

        var notAnAddress = Assert.Throws<ArgumentException>(() => socket.Send(request, 0, request.Length, "not-an-address"));
        Assert.Equal("address", notAnAddress.ParamName);
        Assert.Contains("'not-an-address'", notAnAddress.Message, StringComparison.Ordinal);

        var wrongFamily = Assert.Throws<ArgumentException>(() => socket.Send(request, 0, request.Length, "::1"));
        Assert.Equal("address", wrongFamily.ParamName);
        Assert.Contains("IPv4", wrongFamily.Message, StringComparison.Ordinal);

        Assert.Equal("address", Assert.Throws<ArgumentException>(() => socket.SendAsync(request, "300.1.1.1")).ParamName);
        Assert.Equal("address", Assert.Throws<ArgumentNullException>(() => socket.Send(request, 0, 1, (IPAddress)null!)).ParamName);
    }

    [RawFact]
    public void RejectsARangeOutsideTheBuffer()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        byte[] buffer = new byte[10];

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => socket.Send(buffer, 4, 7, "127.0.0.1"));
        Assert.Equal("length", error.ParamName);
        Assert.Contains("offset 4 plus length 7", error.Message, StringComparison.Ordinal);
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => socket.Send(buffer, 11, 0, "127.0.0.1")).ParamName);
    }

    [RawFact]
    public void LinuxRefusesProtocolZero()
    {
        var error = Assert.Throws<NetException>(() => RawSocket.Create());

        Assert.Equal(NetErrorCode.ProtocolNotSupported, error.Code);
        Assert.Contains("protocol 0", error.Message, StringComparison.Ordinal);
    }

    [RawFact]
    public void AcceptsAnyProtocolNumber()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = (RawProtocol)253);

        Assert.Equal(253, (int)socket.Protocol);
        Assert.Equal(RawAddressFamily.IPv4, socket.AddressFamily);
        Assert.Equal(4096, socket.BufferSize);
    }

    [RawFact]
    public void CloseRaisesCloseOnceAndLaterUseIsRefused()
    {
        RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        int closes = 0;
        socket.OnClose(() => closes++);

        socket.Close();
        socket.Close();
        socket.Dispose();

        Assert.Equal(1, closes);
        Assert.True(socket.IsClosed);
        Assert.Throws<ObjectDisposedException>(() => socket.Send(new byte[8], 0, 8, "127.0.0.1"));
        Assert.Throws<ObjectDisposedException>(() => socket.GetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL));
        Assert.Throws<ObjectDisposedException>(() => socket.ResumeReceive());
        Assert.Same(socket, socket.PauseReceive()); // pausing a closed socket is harmless
    }

    [RawFact]
    public async Task CloseComesAfterTheLastMessage()
    {
        RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        var events = new List<string>();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ushort id = Echo.NewIdentifier();
        socket.OnMessage((data, _) =>
        {
            lock (events)
            {
                events.Add("message");
            }

            if (Echo.IsV4(data.ToArray(), IcmpEcho.ReplyType, id, 1))
            {
                socket.Close(); // from inside a handler: close must wait for the handler to finish
                lock (events)
                {
                    events.Add("handler done");
                }
            }
        });
        socket.OnClose(() =>
        {
            lock (events)
            {
                events.Add("close");
            }

            closed.SetResult();
        });

        byte[] request = Echo.Request(id, 1);
        socket.Send(request, 0, request.Length, "127.0.0.1");
        await closed.Task.WithTimeout();

        lock (events)
        {
            Assert.Equal(["handler done", "close"], events[^2..]);
            Assert.Equal(1, events.Count(e => e == "close"));
        }
    }

    [RawFact]
    public async Task CloseFromAnotherThreadWaitsForTheRunningHandlerAndRaisesNoMoreMessages()
    {
        // Protocol 254 (RFC 3692, for experiments): datagrams no other test's socket sees.
        using RawSocket sender = RawSocket.Create(o => o.Protocol = (RawProtocol)254);
        RawSocket socket = RawSocket.Create(o => o.Protocol = (RawProtocol)254);
        var inHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int messages = 0, closes = 0;
        socket.OnMessage((_, _) =>
        {
            Interlocked.Increment(ref messages);
            inHandler.TrySetResult();
            release.Task.Wait(TimeoutExtensions.DefaultTimeout);
        });
        socket.OnClose(() => Interlocked.Increment(ref closes));

        await sender.SendAsync(new byte[8], IPAddress.Loopback);
        await sender.SendAsync(new byte[8], IPAddress.Loopback);
        await inHandler.Task.WithTimeout();
        socket.Close();
        Assert.Equal(0, Volatile.Read(ref closes)); // a handler runs: close waits for it

        release.SetResult();
        await Until.TrueAsync(() => Volatile.Read(ref closes) == 1, "close is raised once the handler returns");
        Assert.Equal(1, Volatile.Read(ref messages)); // the second datagram is not raised after Close
    }

    [RawFact]
    public async Task AHandlerExceptionGoesToErrorAndReceivingGoesOn()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        var errors = new List<Exception>();
        socket.OnError(ex =>
        {
            lock (errors)
            {
                errors.Add(ex);
            }
        });
        ushort id = Echo.NewIdentifier();
        bool thrown = false;
        socket.OnMessage((data, _) =>
        {
            if (!thrown && Echo.IsV4(data.ToArray(), IcmpEcho.RequestType, id, 1))
            {
                thrown = true;
                throw new InvalidOperationException("handler failed");
            }
        });
        var received = new DatagramCollector(socket);

        byte[] request = Echo.Request(id, 1);
        socket.Send(request, 0, request.Length, "127.0.0.1");

        await received.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.ReplyType, id, 1));
        lock (errors)
        {
            Assert.Equal("handler failed", Assert.IsType<InvalidOperationException>(Assert.Single(errors)).Message);
        }
    }

    [RawFact]
    public async Task AnUnhandledErrorOnTheReceiveLoopEndsTheProcess()
    {
        ChildProcess.Result result = await ChildProcess.RunSelfAsync("unhandled-handler-exception");

        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain("still alive", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("handler failed on purpose", result.Stderr, StringComparison.Ordinal);
    }

    [RawFact]
    public async Task ADatagramLargerThanTheBufferRaisesMessageTooLong()
    {
        using RawSocket socket = RawSocket.Create(o => { o.Protocol = RawProtocol.Icmp; o.BufferSize = 100; });
        var errors = new List<Exception>();
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.OnError(ex =>
        {
            lock (errors)
            {
                errors.Add(ex);
            }

            failed.TrySetResult();
        });
        var received = new DatagramCollector(socket);
        ushort id = Echo.NewIdentifier();

        byte[] large = Echo.Request(id, 1, payloadLength: 500);
        socket.Send(large, 0, large.Length, "127.0.0.1");
        await failed.Task.WithTimeout();
        byte[] small = Echo.Request(id, 2, payloadLength: 8);
        socket.Send(small, 0, small.Length, "127.0.0.1");

        await received.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.ReplyType, id, 2));
        lock (errors)
        {
            NetException error = Assert.IsType<NetException>(errors[0]);
            Assert.Equal(NetErrorCode.MessageTooLong, error.Code);
            Assert.Contains("BufferSize (100 bytes)", error.Message, StringComparison.Ordinal);
        }
    }

    [RawFact]
    public async Task AnOversizedDatagramWithNoErrorHandlerIsCountedAndTheSocketKeepsReceiving()
    {
        // Raw sockets see every ICMP packet on the host: another program's 64 KiB ping must not end this one.
        using RawSocket socket = RawSocket.Create(o => { o.Protocol = RawProtocol.Icmp; o.BufferSize = 100; });
        var received = new DatagramCollector(socket);
        ushort id = Echo.NewIdentifier();

        byte[] large = Echo.Request(id, 1, payloadLength: IcmpEcho.MaxPayloadLength);
        socket.Send(large, 0, large.Length, "127.0.0.1");
        byte[] small = Echo.Request(id, 2, payloadLength: 8);
        socket.Send(small, 0, small.Length, "127.0.0.1");

        await received.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.ReplyType, id, 2));
        Assert.True(socket.OversizedDatagrams >= 2, $"{socket.OversizedDatagrams} oversized datagrams counted"); // request and reply
        Assert.False(socket.IsClosed);
    }

    [RawFact]
    public void EventsAnswerToTheirNodeNames()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);

        socket.On("message", (Action<ReadOnlyMemory<byte>, IPAddress>)((_, _) => { }))
            .On("message", (Action<ReadOnlyMemory<byte>>)(_ => { }))
            .On("close", () => { })
            .On("error", (Action<Exception>)(_ => { }));

        Assert.Equal(2, socket.ListenerCount("message"));
        var error = Assert.Throws<ArgumentException>(() => socket.On("message", (Action<string>)(_ => { })));
        Assert.Contains("ReadOnlyMemory<byte>, IPAddress", error.Message, StringComparison.Ordinal);
    }
}
