using System.Buffers.Binary;

namespace PipeNet.Transport.Raw;

/// <summary>
/// Sums buffers one after another as one stream for <see cref="InternetChecksum"/>: a pseudo header, then a
/// header, then a payload, with no copy and no allocation. Slices of any length may follow each other, odd
/// ones included. A mutable struct: keep it in a local and do not copy it midway.
/// </summary>
/// <example>
/// <code>
/// var sum = new InternetChecksumAccumulator();
/// sum.Add(pseudoHeader);
/// sum.Add(udpPacket);
/// BinaryPrimitives.WriteUInt16BigEndian(udpPacket[6..], sum.ToChecksum());
/// </code>
/// </example>
public struct InternetChecksumAccumulator
{
    private ulong _sum;
    private long _length;

    /// <summary>How many bytes were added so far.</summary>
    public readonly long Length => _length;

    /// <summary>The one's complement sum so far as a big-endian word value (before the final complement).</summary>
    public readonly ushort Sum
    {
        get
        {
            uint folded = InternetChecksum.Fold(_sum);
            return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness((ushort)folded) : (ushort)folded;
        }
    }

    /// <summary>Whether the bytes added, checksum field included, verify: their sum is all ones.</summary>
    public readonly bool IsValid => Sum == 0xFFFF;

    /// <summary>Adds <paramref name="data"/> after everything added before.</summary>
    /// <param name="data">The next bytes of the stream.</param>
    public void Add(ReadOnlySpan<byte> data)
    {
        uint sum = InternetChecksum.SumNativeOrder(data);
        if ((_length & 1) != 0)
        {
            // This slice starts at an odd position of the stream: its bytes pair the other way round.
            sum = BinaryPrimitives.ReverseEndianness((ushort)sum);
        }

        _sum += sum;
        _length += data.Length;
    }

    /// <summary>The checksum of everything added: the one's complement of <see cref="Sum"/>, to be written big-endian.</summary>
    /// <returns>The checksum.</returns>
    public readonly ushort ToChecksum() => (ushort)~Sum;
}
