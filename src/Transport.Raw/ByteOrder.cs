using System.Buffers.Binary;

namespace PipeNet.Transport.Raw;

/// <summary>
/// The seed's <c>htons</c>, <c>htonl</c>, <c>ntohs</c> and <c>ntohl</c> for unsigned values already held in a
/// variable; <see cref="System.Net.IPAddress.HostToNetworkOrder(int)"/> covers only signed types.
/// </summary>
/// <remarks>
/// Most code needs none of these: <see cref="BinaryPrimitives"/> already reads and writes network order
/// straight from and to buffers — <c>ReadUInt16BigEndian</c> / <c>WriteUInt16BigEndian</c> (<c>ntohs</c> /
/// <c>htons</c> plus the copy), <c>ReadUInt32BigEndian</c> / <c>WriteUInt32BigEndian</c> (<c>ntohl</c> /
/// <c>htonl</c>), their 64-bit and signed variants — and swaps unconditionally with <c>ReverseEndianness</c>.
/// Prefer those when the value comes from or goes to a packet; these helpers are thin conditional wrappers over
/// <c>ReverseEndianness</c> for the remaining case.
/// </remarks>
public static class ByteOrder
{
    /// <summary><c>htons</c>: a 16-bit value from host to network (big-endian) order.</summary>
    /// <param name="value">The value in host order.</param>
    /// <returns>The value in network order.</returns>
    public static ushort HostToNetwork(ushort value) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;

    /// <summary><c>htonl</c>: a 32-bit value from host to network (big-endian) order.</summary>
    /// <param name="value">The value in host order.</param>
    /// <returns>The value in network order.</returns>
    public static uint HostToNetwork(uint value) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;

    /// <summary><c>ntohs</c>: a 16-bit value from network (big-endian) to host order.</summary>
    /// <param name="value">The value in network order.</param>
    /// <returns>The value in host order.</returns>
    public static ushort NetworkToHost(ushort value) => HostToNetwork(value);

    /// <summary><c>ntohl</c>: a 32-bit value from network (big-endian) to host order.</summary>
    /// <param name="value">The value in network order.</param>
    /// <returns>The value in host order.</returns>
    public static uint NetworkToHost(uint value) => HostToNetwork(value);
}
