using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PipeNet.Transport.Raw;

/// <summary>
/// The pseudo headers that TCP, UDP (RFC 768, RFC 8200 §8.1) and ICMPv6 (RFC 4443) include in their checksums,
/// to be summed before the packet with <see cref="InternetChecksum.Compute(ReadOnlySpan{ReadOnlyMemory{byte}})"/>
/// or an <see cref="InternetChecksumAccumulator"/>.
/// </summary>
public static class PseudoHeader
{
    /// <summary>The IPv4 pseudo header's length: source, destination, zero, protocol, length.</summary>
    public const int IPv4Length = 12;

    /// <summary>The IPv6 pseudo header's length: source, destination, 32-bit length, three zeros, next header.</summary>
    public const int IPv6Length = 40;

    /// <summary>Writes the pseudo header for a packet of <paramref name="packetLength"/> bytes sent from <paramref name="source"/> to <paramref name="destinationAddress"/>.</summary>
    /// <param name="destination">Where to write: at least <see cref="IPv4Length"/> or <see cref="IPv6Length"/> bytes.</param>
    /// <param name="source">The source address the packet will carry.</param>
    /// <param name="destinationAddress">The destination address, of the same family.</param>
    /// <param name="protocol">The upper-layer protocol, for example <see cref="RawProtocol.Udp"/>.</param>
    /// <param name="packetLength">The upper-layer packet's length (header and data).</param>
    /// <returns>How many bytes were written (12 or 40).</returns>
    /// <exception cref="ArgumentException">The addresses are not both IPv4 or both IPv6, or <paramref name="destination"/> is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="packetLength"/> is negative, or over 65,535 for IPv4.</exception>
    public static int Write(Span<byte> destination, IPAddress source, IPAddress destinationAddress, RawProtocol protocol, int packetLength)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destinationAddress);
        ArgumentOutOfRangeException.ThrowIfNegative(packetLength);
        if (source.AddressFamily != destinationAddress.AddressFamily)
        {
            throw new ArgumentException($"The source {source} and the destination {destinationAddress} are not of the same address family.", nameof(destinationAddress));
        }

        if (source.AddressFamily == AddressFamily.InterNetwork)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(packetLength, ushort.MaxValue);
            if (destination.Length < IPv4Length)
            {
                throw new ArgumentException($"An IPv4 pseudo header needs {IPv4Length} bytes.", nameof(destination));
            }

            source.TryWriteBytes(destination, out _);
            destinationAddress.TryWriteBytes(destination[4..], out _);
            destination[8] = 0;
            destination[9] = (byte)protocol;
            BinaryPrimitives.WriteUInt16BigEndian(destination[10..], (ushort)packetLength);
            return IPv4Length;
        }

        if (source.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"{source} is neither an IPv4 nor an IPv6 address.", nameof(source));
        }

        if (destination.Length < IPv6Length)
        {
            throw new ArgumentException($"An IPv6 pseudo header needs {IPv6Length} bytes.", nameof(destination));
        }

        source.TryWriteBytes(destination, out _);
        destinationAddress.TryWriteBytes(destination[16..], out _);
        BinaryPrimitives.WriteUInt32BigEndian(destination[32..], (uint)packetLength);
        destination[36] = 0;
        destination[37] = 0;
        destination[38] = 0;
        destination[39] = (byte)protocol;
        return IPv6Length;
    }
}
