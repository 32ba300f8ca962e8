using System.Net;
using PipeNet.Tests;
using PipeNet.Transport.Raw.Internal;

namespace PipeNet.Transport.Raw.Tests;

/// <summary>The kernel-side filter a pinger puts on its raw sockets: echo replies for other identifiers never arrive.</summary>
public sealed class EchoReplyFilterTests
{
    [RawFact]
    public async Task AnIPv4SocketReceivesItsOwnEchoRepliesAndNoOneElses()
    {
        ushort ours = Echo.NewIdentifier(), theirs = Echo.NewIdentifier();
        using RawSocket filtered = RawSocket.Create(new RawSocketOptions { Protocol = RawProtocol.Icmp });
        EchoReplyFilter.TryAttach(filtered, ours, isIPv6: false);
        var received = new DatagramCollector(filtered);

        // Theirs goes first: the kernel answers in order, so if it got through it arrives before ours.
        using RawSocket sender = RawSocket.Create(new RawSocketOptions { Protocol = RawProtocol.Icmp });
        await sender.SendAsync(Echo.Request(theirs, 1), "127.0.0.1").WithTimeout();
        await sender.SendAsync(Echo.Request(ours, 1), "127.0.0.1").WithTimeout();

        (byte[] reply, _) = await received.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.ReplyType, ours, 1) || Echo.IsV4(d, IcmpEcho.ReplyType, theirs, 1));
        Assert.True(Echo.IsV4(reply, IcmpEcho.ReplyType, ours, 1), "an echo reply for another identifier passed the filter");
    }

    [RawFact]
    public async Task AnIPv6SocketReceivesItsOwnEchoRepliesAndNoOneElses()
    {
        ushort ours = Echo.NewIdentifier(), theirs = Echo.NewIdentifier();
        using RawSocket filtered = RawSocket.Create(new RawSocketOptions { AddressFamily = RawAddressFamily.IPv6, Protocol = RawProtocol.IcmpV6 });
        EchoReplyFilter.TryAttach(filtered, ours, isIPv6: true);
        var received = new DatagramCollector(filtered);

        using RawSocket sender = RawSocket.Create(new RawSocketOptions { AddressFamily = RawAddressFamily.IPv6, Protocol = RawProtocol.IcmpV6 });
        await sender.SendAsync(Echo.RequestV6(theirs, 1), "::1").WithTimeout();
        await sender.SendAsync(Echo.RequestV6(ours, 1), "::1").WithTimeout();

        (byte[] reply, _) = await received.WaitForAsync((d, _) => Echo.IsV6(d, Icmpv6Echo.ReplyType, ours, 1) || Echo.IsV6(d, Icmpv6Echo.ReplyType, theirs, 1));
        Assert.True(Echo.IsV6(reply, Icmpv6Echo.ReplyType, ours, 1), "an echo reply for another identifier passed the filter");
    }
}
