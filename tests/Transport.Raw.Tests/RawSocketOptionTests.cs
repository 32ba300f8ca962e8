using System.Runtime.InteropServices;
using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

/// <summary>GetOption/SetOption with the seed's levels and option names, in buffer and integer forms.</summary>
public class RawSocketOptionTests
{
    private static RawSocket IPv4() => RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);

    private static RawSocket IPv6() => RawSocket.Create(o => { o.AddressFamily = RawAddressFamily.IPv6; o.Protocol = RawProtocol.IcmpV6; });

    [RawFact]
    public void TtlIsSetAndReadBackInBothForms()
    {
        using RawSocket socket = IPv4();

        socket.SetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL, 7);
        Assert.Equal(7, socket.GetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL));

        Span<byte> value = stackalloc byte[4];
        Assert.Equal(4, socket.GetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL, value));
        Assert.Equal(7, MemoryMarshal.Read<int>(value));

        // The seed's buffer form, in the machine's byte order.
        MemoryMarshal.Write(value, 33);
        socket.SetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL, value);
        Assert.Equal(33, socket.GetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL));

        // -1 restores the system default, 64 on Linux unless changed.
        socket.SetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL, -1);
        Assert.Equal(int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_default_ttl").Trim()), socket.GetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL));

        Span<byte> byNumber = stackalloc byte[4];
        Assert.Equal(4, socket.GetRawOption(0, 2, byNumber)); // IPPROTO_IP, IP_TTL on Linux
        Assert.Equal(socket.GetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL), MemoryMarshal.Read<int>(byNumber));
    }

    [RawFact]
    public async Task TheTtlSetIsTheTtlOnTheWire()
    {
        using RawSocket socket = IPv4();
        var received = new DatagramCollector(socket);
        ushort id = Echo.NewIdentifier();
        byte[] request = Echo.Request(id, 1);

        // The seed's example: set IP_TTL right before this datagram goes out.
        socket.Send(request, 0, request.Length, "127.0.0.1",
            beforeSend: () => socket.SetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL, 3),
            afterSend: (_, _) => socket.SetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL, -1));

        // The socket receives its own request as the loopback delivered it: the header shows the TTL it left with.
        (byte[] ownRequest, _) = await received.WaitForAsync((d, _) => Echo.IsV4(d, IcmpEcho.RequestType, id, 1));
        Assert.True(IPv4Header.TryParse(ownRequest, out IPv4Header header));
        Assert.Equal(3, header.TimeToLive);
    }

    [RawFact]
    public void Ipv6TtlIsAnAliasOfUnicastHops()
    {
        using RawSocket socket = IPv6();

        socket.SetOption(RawSocketLevel.IPPROTO_IPV6, RawSocketOption.IPV6_TTL, 9);
        Assert.Equal(9, socket.GetOption(RawSocketLevel.IPPROTO_IPV6, RawSocketOption.IPV6_UNICAST_HOPS));

        socket.SetOption(RawSocketLevel.IPPROTO_IPV6, RawSocketOption.IPV6_UNICAST_HOPS, 200);
        Assert.Equal(200, socket.GetOption(RawSocketLevel.IPPROTO_IPV6, RawSocketOption.IPV6_TTL));
        Assert.InRange(socket.GetOption(RawSocketLevel.IPPROTO_IPV6, RawSocketOption.IPV6_V6ONLY), 0, 1);
    }

    [RawFact]
    public void BufferSizesAreSetAndLinuxDoublesThem()
    {
        using RawSocket socket = IPv4();

        socket.SetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.SO_RCVBUF, 65536);
        socket.SetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.SO_SNDBUF, 32768);

        Assert.Equal(2 * 65536, socket.GetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.SO_RCVBUF));
        Assert.Equal(2 * 32768, socket.GetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.SO_SNDBUF));
    }

    [RawFact]
    public void TimeoutsTakeMillisecondsInTheIntegerFormAndATimevalInTheBufferForm()
    {
        using RawSocket socket = IPv4();

        socket.SetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.SO_RCVTIMEO, 1500);
        socket.SetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.SO_SNDTIMEO, 500); // the kernel rounds to its tick: keep to whole ticks

        Assert.Equal(1500, socket.GetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.SO_RCVTIMEO));
        Assert.Equal(500, socket.GetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.SO_SNDTIMEO));
        Span<byte> timeval = stackalloc byte[16];
        Assert.Equal(16, socket.GetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.SO_RCVTIMEO, timeval));
        Assert.Equal(1, MemoryMarshal.Read<long>(timeval));
        Assert.Equal(500_000, MemoryMarshal.Read<long>(timeval[8..]));
        Assert.Throws<ArgumentOutOfRangeException>(() => socket.SetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.SO_RCVTIMEO, -1));
    }

    [RawFact]
    public void TosAndHeaderInclusionReadBack()
    {
        using RawSocket socket = IPv4();

        socket.SetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TOS, 0x10);
        socket.SetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_HDRINCL, 1);

        Assert.Equal(0x10, socket.GetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TOS));
        Assert.Equal(1, socket.GetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_HDRINCL));
    }

    [RawFact]
    public void IpOptionsTakeTheBufferFormOnly()
    {
        using RawSocket socket = IPv4();
        byte[] options = [1, 1, 1, 0]; // NOP, NOP, NOP, end of options

        socket.SetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_OPTIONS, options);

        Span<byte> read = stackalloc byte[40];
        int length = socket.GetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_OPTIONS, read);
        Assert.Equal(options, read[..length].ToArray());
        var error = Assert.Throws<ArgumentException>(() => socket.GetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_OPTIONS));
        Assert.Equal("option", error.ParamName);
    }

    [RawFact]
    public void BindsToADeviceByName()
    {
        using RawSocket socket = IPv4();

        socket.SetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.SO_BINDTODEVICE, "lo"u8);

        Span<byte> name = stackalloc byte[16];
        int length = socket.GetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.SO_BINDTODEVICE, name);
        Assert.Equal("lo", System.Text.Encoding.ASCII.GetString(name[..length]).TrimEnd('\0'));
        Assert.Throws<ArgumentException>(() => socket.SetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.SO_BINDTODEVICE, 1));
    }

    [RawFact]
    public void AnOptionAtTheWrongLevelIsRejectedNamingBoth()
    {
        using RawSocket socket = IPv4();

        var error = Assert.Throws<ArgumentException>(() => socket.SetOption(RawSocketLevel.SOL_SOCKET, RawSocketOption.IP_TTL, 1));

        Assert.Equal("option", error.ParamName);
        Assert.Contains("IP_TTL belongs to level IPPROTO_IP, not SOL_SOCKET", error.Message, StringComparison.Ordinal);
    }

    [RawFact]
    public void KernelRefusalsAreNetExceptionsNamingTheOption()
    {
        using RawSocket socket = IPv4();

        var invalid = Assert.Throws<NetException>(() => socket.SetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL, 300));
        Assert.Equal(NetErrorCode.InvalidArgument, invalid.Code);
        Assert.Contains("IP_TTL", invalid.Message, StringComparison.Ordinal);

        // IPv6 options on an IPv4 socket: the kernel says EOPNOTSUPP, which has no code of its own.
        var wrongFamily = Assert.Throws<NetException>(() => socket.GetOption(RawSocketLevel.IPPROTO_IPV6, RawSocketOption.IPV6_UNICAST_HOPS));
        Assert.Contains("getsockopt IPPROTO_IPV6 IPV6_UNICAST_HOPS", wrongFamily.Message, StringComparison.Ordinal);
        Assert.NotNull(wrongFamily.SocketError);
    }

    [RawFact]
    public void SetOptionReturnsTheSocketForChaining()
    {
        using RawSocket socket = IPv4();
        Assert.Same(socket, socket.SetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL, 12));
        Assert.Same(socket, socket.SetRawOption(0, 2, BitConverter.GetBytes(13)));
        Assert.Equal(13, socket.GetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL));
    }
}
