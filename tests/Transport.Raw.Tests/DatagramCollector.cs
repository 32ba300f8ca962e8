using System.Net;
using System.Threading.Channels;
using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

/// <summary>Copies every datagram a socket delivers (the event's memory is only valid during the handler) so tests can wait for one that matches.</summary>
internal sealed class DatagramCollector
{
    private readonly Channel<(byte[] Data, IPAddress Source)> _datagrams = Channel.CreateUnbounded<(byte[], IPAddress)>();
    private int _count;

    public DatagramCollector(RawSocket socket)
    {
        socket.OnMessage((data, source) =>
        {
            Interlocked.Increment(ref _count);
            _datagrams.Writer.TryWrite((data.ToArray(), source));
        });
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Waits for the next datagram for which <paramref name="match"/> holds, skipping others (the machine's other ICMP traffic).</summary>
    public async Task<(byte[] Data, IPAddress Source)> WaitForAsync(Func<byte[], IPAddress, bool> match, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeoutExtensions.DefaultTimeout);
        while (true)
        {
            (byte[] data, IPAddress source) = await _datagrams.Reader.ReadAsync(cancellation.Token);
            if (match(data, source))
            {
                return (data, source);
            }
        }
    }
}

/// <summary>ICMP echo helpers for loopback tests.</summary>
internal static class Echo
{
    private static int s_identifier = Random.Shared.Next(0x4000, 0xC000);

    /// <summary>An identifier no other test of this run uses, so concurrent tests never take each other's replies.</summary>
    public static ushort NewIdentifier() => (ushort)Interlocked.Increment(ref s_identifier);

    public static byte[] Request(ushort identifier, ushort sequence, int payloadLength = 32)
    {
        byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)('a' + (i % 26));
        }

        byte[] packet = new byte[IcmpEcho.HeaderLength + payloadLength];
        IcmpEcho.WriteRequest(packet, identifier, sequence, payload);
        return packet;
    }

    public static byte[] RequestV6(ushort identifier, ushort sequence, int payloadLength = 32)
    {
        byte[] packet = new byte[IcmpEcho.HeaderLength + payloadLength];
        Icmpv6Echo.WriteRequest(packet, identifier, sequence, new byte[payloadLength]);
        return packet;
    }

    /// <summary>Whether an IPv4 raw datagram is an echo message of <paramref name="type"/> with this identifier and sequence number.</summary>
    public static bool IsV4(byte[] datagram, byte type, ushort identifier, ushort sequence) =>
        IPv4Header.TryParse(datagram, out IPv4Header header)
        && IcmpEcho.TryParse(header.Payload, out IcmpEchoMessage echo)
        && echo.Type == type && echo.Identifier == identifier && echo.SequenceNumber == sequence;

    /// <summary>Whether an IPv6 raw datagram is an echo message of <paramref name="type"/> with this identifier and sequence number.</summary>
    public static bool IsV6(byte[] datagram, byte type, ushort identifier, ushort sequence) =>
        Icmpv6Echo.TryParse(datagram, out IcmpEchoMessage echo)
        && echo.Type == type && echo.Identifier == identifier && echo.SequenceNumber == sequence;
}
