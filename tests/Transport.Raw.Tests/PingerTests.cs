using System.Net;
using Microsoft.Extensions.Time.Testing;
using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

public class PingerTests
{
    private static readonly PingOptions Quick = new() { Count = 3, Interval = TimeSpan.FromMilliseconds(20), Timeout = TimeSpan.FromSeconds(5) };

    [RawTheory]
    [InlineData("127.0.0.1", 64)]
    [InlineData("::1", null)]
    public async Task PingsLoopbackAndMatchesEveryReply(string loopback, int? expectedTtl)
    {
        using var pinger = new Pinger();
        var replies = new List<PingReply>();

        PingStatistics statistics = await pinger.RunAsync(IPAddress.Parse(loopback), Quick, replies.Add).WithTimeout();

        Assert.Equal(3, statistics.Transmitted);
        Assert.Equal(3, statistics.Received);
        Assert.Equal(0, statistics.PacketLoss);
        Assert.Equal([1, 2, 3], replies.Select(r => (int)r.SequenceNumber).Order());
        Assert.All(replies, reply =>
        {
            Assert.Equal(PingStatus.Success, reply.Status);
            Assert.Equal(IPAddress.Parse(loopback), reply.Address);
            Assert.Equal(64, reply.Bytes);
            Assert.Equal(expectedTtl, reply.TimeToLive);
            Assert.True(reply.RoundTripTime > TimeSpan.Zero);
        });
        Assert.InRange(statistics.Minimum, TimeSpan.FromTicks(1), statistics.Maximum);
    }

    [RawFact]
    public async Task IgnoresItsOwnRequestsThatLoopbackDeliversToItsSocket()
    {
        using RawSocket observer = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        var seen = new DatagramCollector(observer);
        using var pinger = new Pinger();

        PingStatistics statistics = await pinger.RunAsync(IPAddress.Loopback, Quick).WithTimeout();

        // The requests did reach every raw ICMP socket, the pinger's included, yet only the replies counted.
        for (ushort sequence = 1; sequence <= 3; sequence++)
        {
            ushort expected = sequence;
            await seen.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.RequestType, pinger.Identifier, expected));
        }

        Assert.Equal(3, statistics.Received);
    }

    [RawFact]
    public async Task SetsTheTimeToLiveOfItsRequests()
    {
        using RawSocket observer = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        var seen = new DatagramCollector(observer);
        using var pinger = new Pinger();

        PingReply reply = await pinger.PingAsync(IPAddress.Loopback, new PingOptions { TimeToLive = 5 }).WithTimeout();

        Assert.Equal(PingStatus.Success, reply.Status);
        (byte[] request, _) = await seen.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.RequestType, pinger.Identifier, reply.SequenceNumber));
        Assert.True(IPv4Header.TryParse(request, out IPv4Header header));
        Assert.Equal(5, header.TimeToLive);

        // Back to the system default for a request without one.
        PingReply next = await pinger.PingAsync(IPAddress.Loopback).WithTimeout();
        (byte[] nextRequest, _) = await seen.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.RequestType, pinger.Identifier, next.SequenceNumber));
        Assert.True(IPv4Header.TryParse(nextRequest, out IPv4Header nextHeader));
        Assert.Equal(64, nextHeader.TimeToLive);
    }

    [RawFact]
    public async Task SetsTheHopLimitOfIPv6Requests()
    {
        RawSocket? socket = null;
        using var pinger = new Pinger(TimeProvider.System, options => socket = RawSocket.Create(options));

        PingReply reply = await pinger.PingAsync(IPAddress.IPv6Loopback, new PingOptions { TimeToLive = 9 }).WithTimeout();

        Assert.Equal(PingStatus.Success, reply.Status);
        Assert.Equal(9, socket!.GetOption(RawSocketLevel.IPPROTO_IPV6, RawSocketOption.IPV6_UNICAST_HOPS));
    }

    [RawTheory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(IcmpEcho.MaxPayloadLength)]
    public async Task SendsThePayloadSizeAskedFor(int size)
    {
        using var pinger = new Pinger();

        PingReply reply = await pinger.PingAsync(IPAddress.Loopback, new PingOptions { PayloadSize = size }).WithTimeout();

        Assert.Equal(PingStatus.Success, reply.Status);
        Assert.Equal(IcmpEcho.HeaderLength + size, reply.Bytes);
    }

    [RawFact]
    public async Task RejectsAPayloadTooLargeForIPv4()
    {
        using var pinger = new Pinger();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => pinger.PingAsync(IPAddress.Loopback, new PingOptions { PayloadSize = IcmpEcho.MaxPayloadLength + 1 }));
        Assert.Equal("options", error.ParamName);
    }

    [RawFact]
    public async Task TimesOutOnTheClockItWasGiven()
    {
        // A socket of an unused protocol number carries the request to loopback, where nothing answers it.
        var clock = new WatchedClock();
        using var pinger = new Pinger(clock, options => RawSocket.Create(o => { o.Protocol = (RawProtocol)253; o.BufferSize = options.BufferSize; }));

        Task<PingReply> reply = pinger.PingAsync(IPAddress.Loopback, new PingOptions { Timeout = TimeSpan.FromSeconds(2) });
        await clock.WaitForTimersAsync(TimeSpan.FromSeconds(2)); // the wait for the reply has begun
        clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(reply.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(0.1));
        PingReply result = await reply.WithTimeout();

        Assert.Equal(PingStatus.TimedOut, result.Status);
        Assert.Equal(TimeSpan.Zero, result.RoundTripTime);
        Assert.Equal(0, result.Bytes);
    }

    [RawFact]
    public async Task MeasuresRoundTripsOnTheClockItWasGiven()
    {
        var clock = new FakeTimeProvider();
        using var pinger = new Pinger(clock);

        // The fake clock does not move while the real reply travels.
        PingReply reply = await pinger.PingAsync(IPAddress.Loopback).WithTimeout();

        Assert.Equal(PingStatus.Success, reply.Status);
        Assert.Equal(TimeSpan.Zero, reply.RoundTripTime);
    }

    [RawFact]
    public async Task SendsOneRequestPerIntervalOfItsClock()
    {
        var clock = new WatchedClock();
        using var pinger = new Pinger(clock);
        var replies = new List<PingReply>();

        Task<PingStatistics> run = pinger.RunAsync(IPAddress.Loopback, new PingOptions { Count = 3, Interval = TimeSpan.FromSeconds(1) }, reply =>
        {
            lock (replies)
            {
                replies.Add(reply);
            }
        });
        await Until.TrueAsync(() => { lock (replies) { return replies.Count == 1; } }, "the first reply");
        await clock.WaitForTimersAsync(TimeSpan.FromSeconds(1)); // the second request waits for the clock
        lock (replies)
        {
            Assert.Single(replies);
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        await Until.TrueAsync(() => { lock (replies) { return replies.Count == 2; } }, "the second reply");
        await clock.WaitForTimersAsync(TimeSpan.FromSeconds(1), 2);
        clock.Advance(TimeSpan.FromSeconds(1));
        PingStatistics statistics = await run.WithTimeout();

        Assert.Equal(3, statistics.Received);
        Assert.Equal(TimeSpan.FromSeconds(2), statistics.Elapsed);
    }

    [RawFact]
    public async Task CancellingARunKeepsItsStatistics()
    {
        using var pinger = new Pinger();
        using var cancellation = new CancellationTokenSource();
        int replies = 0;

        PingStatistics statistics = await pinger.RunAsync(IPAddress.Loopback, new PingOptions { Count = null, Interval = TimeSpan.FromMilliseconds(10) }, _ =>
        {
            if (Interlocked.Increment(ref replies) == 3)
            {
                cancellation.Cancel();
            }
        }, cancellation.Token).WithTimeout();

        Assert.InRange(statistics.Received, 3, statistics.Transmitted);
    }

    [RawFact]
    public async Task PausesReceivingWhileNothingIsOutstanding()
    {
        RawSocket? socket = null;
        using var pinger = new Pinger(TimeProvider.System, options => socket = RawSocket.Create(options));

        PingReply reply = await pinger.PingAsync(IPAddress.Loopback).WithTimeout();

        Assert.Equal(PingStatus.Success, reply.Status);
        Assert.True(socket!.ReceivePaused);
        await Until.TrueAsync(() => !socket.IsReceiveLoopRunning, "the receive loop ends");
        Assert.Equal(0, socket.RentedReceiveBuffers);

        // And resumes for the next request.
        Assert.Equal(PingStatus.Success, (await pinger.PingAsync(IPAddress.Loopback).WithTimeout()).Status);
    }

    [RawFact]
    public async Task DisposingFailsRequestsStillWaiting()
    {
        var clock = new FakeTimeProvider();
        var pinger = new Pinger(clock, options => RawSocket.Create(o => { o.Protocol = (RawProtocol)253; o.BufferSize = options.BufferSize; }));
        Task<PingReply> reply = pinger.PingAsync(IPAddress.Loopback);

        pinger.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => reply.WithTimeout());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pinger.PingAsync(IPAddress.Loopback));
    }

    [Fact]
    public void PingersOfOneProcessUseDistinctIdentifiers()
    {
        using var first = new Pinger();
        using var second = new Pinger();

        Assert.NotEqual(first.Identifier, second.Identifier);
    }

    [Fact]
    public void OptionsRejectOutOfRangeValuesNamingThem()
    {
        var options = new PingOptions();

        Assert.Equal("TimeToLive", Assert.Throws<ArgumentOutOfRangeException>(() => options.TimeToLive = 0).ParamName);
        Assert.Equal("TimeToLive", Assert.Throws<ArgumentOutOfRangeException>(() => options.TimeToLive = 256).ParamName);
        Assert.Equal("Count", Assert.Throws<ArgumentOutOfRangeException>(() => options.Count = 0).ParamName);
        Assert.Equal("PayloadSize", Assert.Throws<ArgumentOutOfRangeException>(() => options.PayloadSize = -1).ParamName);
        Assert.Equal("Timeout", Assert.Throws<ArgumentOutOfRangeException>(() => options.Timeout = TimeSpan.Zero).ParamName);
        Assert.Equal("Interval", Assert.Throws<ArgumentOutOfRangeException>(() => options.Interval = TimeSpan.FromSeconds(-1)).ParamName);
    }
}
