using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

/// <summary>
/// Checksums judged by the kernel: it drops UDP and ICMP with bad checksums, so a delivered datagram proves the
/// checksum right, and it computes ICMPv6 checksums itself, which ours must equal.
/// </summary>
public class KernelChecksumTests
{
    private static byte[] UdpDatagram(IPAddress source, IPAddress destination, int sourcePort, int destinationPort, ReadOnlySpan<byte> payload, bool corrupt = false)
    {
        byte[] udp = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), (ushort)destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        payload.CopyTo(udp.AsSpan(8));

        // Pseudo header and packet summed as one stream, the seed's createChecksum(pseudo, packet).
        byte[] pseudoHeader = new byte[PseudoHeader.IPv6Length];
        int pseudoLength = PseudoHeader.Write(pseudoHeader, source, destination, RawProtocol.Udp, udp.Length);
        ushort checksum = InternetChecksum.Compute(pseudoHeader.AsMemory(0, pseudoLength), udp);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(6), corrupt ? (ushort)(checksum ^ 0x0101) : checksum);
        return udp;
    }

    private static async Task AssertDeliveredOnlyTheGoodOneAsync(Socket receiver, Action<byte[]> send, Func<string, byte[]> build)
    {
        send(build("bad"));
        send(build("good"));

        byte[] buffer = new byte[64];
        int length = await receiver.ReceiveAsync(buffer.AsMemory()).AsTask().WithTimeout();
        Assert.Equal("good", System.Text.Encoding.ASCII.GetString(buffer, 0, length));
    }

    [RawTheory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task UdpWithAPseudoHeaderChecksumIsDeliveredAndABadOneIsNot(string loopback)
    {
        IPAddress address = IPAddress.Parse(loopback);
        using var receiver = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(address, 0));
        int port = ((IPEndPoint)receiver.LocalEndPoint!).Port;
        using RawSocket raw = RawSocket.Create(o =>
        {
            o.AddressFamily = address.AddressFamily == AddressFamily.InterNetworkV6 ? RawAddressFamily.IPv6 : RawAddressFamily.IPv4;
            o.Protocol = RawProtocol.Udp;
        });
        raw.PauseReceive();

        await AssertDeliveredOnlyTheGoodOneAsync(
            receiver,
            datagram => raw.Send(datagram, 0, datagram.Length, address),
            text => UdpDatagram(address, address, 40000, port, System.Text.Encoding.ASCII.GetBytes(text), corrupt: text == "bad"));
    }

    [RawFact]
    public async Task AHandBuiltIPv4HeaderIsSentWithHeaderInclusion()
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)receiver.LocalEndPoint!).Port;
        using RawSocket raw = RawSocket.Create(o => o.Protocol = RawProtocol.Udp);
        raw.PauseReceive();
        raw.SetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_HDRINCL, 1);

        await AssertDeliveredOnlyTheGoodOneAsync(
            receiver,
            datagram => raw.Send(datagram, 0, datagram.Length, IPAddress.Loopback),
            text =>
            {
                byte[] udp = UdpDatagram(IPAddress.Loopback, IPAddress.Loopback, 40001, port, System.Text.Encoding.ASCII.GetBytes(text), corrupt: text == "bad");
                byte[] datagram = new byte[IPv4Header.MinLength + udp.Length];
                IPv4Header.Write(datagram, RawProtocol.Udp, IPAddress.Loopback, IPAddress.Loopback, udp.Length, timeToLive: 5);
                udp.CopyTo(datagram, IPv4Header.MinLength);
                return datagram;
            });
    }

    [RawFact]
    public async Task OurIcmpv6ChecksumEqualsTheOneTheKernelComputed()
    {
        using RawSocket socket = RawSocket.Create(o => { o.AddressFamily = RawAddressFamily.IPv6; o.Protocol = RawProtocol.IcmpV6; });
        var received = new DatagramCollector(socket);
        ushort id = Echo.NewIdentifier();
        byte[] request = Echo.RequestV6(id, 5); // checksum 0: the kernel fills it in

        socket.Send(request, 0, request.Length, IPAddress.IPv6Loopback);

        (byte[] onTheWire, _) = await received.WaitForAsync((d, _) => Echo.IsV6(d, Icmpv6Echo.RequestType, id, 5));
        byte[] ours = new byte[request.Length];
        Icmpv6Echo.WriteRequest(ours, id, 5, new byte[request.Length - 8], IPAddress.IPv6Loopback, IPAddress.IPv6Loopback);
        Assert.NotEqual(0, BinaryPrimitives.ReadUInt16BigEndian(onTheWire.AsSpan(2)));
        Assert.Equal(onTheWire, ours);
    }

    [RawFact]
    public async Task TheKernelRepliesOnlyToRequestsWithAGoodChecksum()
    {
        using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
        var received = new DatagramCollector(socket);
        ushort id = Echo.NewIdentifier();
        byte[] bad = Echo.Request(id, 1);
        bad[3] ^= 0xFF;
        byte[] good = Echo.Request(id, 2);

        socket.Send(bad, 0, bad.Length, "127.0.0.1");
        socket.Send(good, 0, good.Length, "127.0.0.1");

        // Replies come in order on loopback: once the second is in, the first is never coming.
        (byte[] reply, _) = await received.WaitForAsync((d, _) => IPv4Header.TryParse(d, out IPv4Header ip)
            && IcmpEcho.TryParse(ip.Payload, out IcmpEchoMessage echo) && echo.IsReply && echo.Identifier == id);
        Assert.True(Echo.IsV4(reply, IcmpEcho.ReplyType, id, 2));
    }
}
