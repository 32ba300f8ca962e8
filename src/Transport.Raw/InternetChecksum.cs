using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PipeNet.Transport.Raw;

/// <summary>
/// The Internet checksum of RFC 1071 (the seed's <c>createChecksum</c> and <c>writeChecksum</c>): the 16-bit
/// one's complement of the one's complement sum of the data taken as big-endian 16-bit words, as IPv4, ICMP,
/// ICMPv6, UDP and TCP use it.
/// </summary>
/// <remarks>
/// <para>
/// Several buffers or slices are summed as one stream, exactly as if they were concatenated: a slice that
/// starts at an odd position of the stream has its bytes paired with the previous slice's last byte (RFC 1071
/// §2(B): such a slice's sum is byte-swapped). That is how a pseudo header and a TCP or UDP packet are summed
/// together; see <see cref="PseudoHeader"/> and <see cref="InternetChecksumAccumulator"/>.
/// </para>
/// <para>
/// The sum is vectorised with <see cref="Vector256"/> (or <see cref="Vector128"/>) where the hardware
/// accelerates them: 32-bit lanes are added with their carries counted separately, which is exact because
/// 2^16 ≡ 1 modulo 0xFFFF, and the data is read in the machine's byte order and the folded sum swapped once
/// at the end (RFC 1071 §2(B): the sum is byte-order independent).
/// </para>
/// <para>
/// The checksum is returned as a number whose big-endian bytes go in the packet:
/// <c>BinaryPrimitives.WriteUInt16BigEndian(packet.Slice(2), checksum)</c>, which is what
/// <see cref="Write(Span{byte}, int, ushort)"/> does.
/// </para>
/// </remarks>
public static class InternetChecksum
{
    /// <summary>Computes the checksum of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes, for example an ICMP message whose checksum field is zero.</param>
    /// <returns>The checksum, to be written big-endian.</returns>
    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        var accumulator = new InternetChecksumAccumulator();
        accumulator.Add(data);
        return accumulator.ToChecksum();
    }

    /// <summary>
    /// Computes one checksum over several buffers or slices as if they were one buffer (the seed's
    /// <c>createChecksum(pseudoHeader, {buffer, offset, length})</c>): for example
    /// <c>Compute(pseudoHeader, packet.AsMemory(20))</c>.
    /// </summary>
    /// <param name="segments">The buffers, in stream order; arrays and <see cref="ArraySegment{T}"/> convert implicitly.</param>
    /// <returns>The checksum, to be written big-endian.</returns>
    public static ushort Compute(params ReadOnlySpan<ReadOnlyMemory<byte>> segments)
    {
        var accumulator = new InternetChecksumAccumulator();
        foreach (ReadOnlyMemory<byte> segment in segments)
        {
            accumulator.Add(segment.Span);
        }

        return accumulator.ToChecksum();
    }

    /// <summary>Computes the checksum of a sequence, for example data read from a pipe, its segments taken as one stream.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum, to be written big-endian.</returns>
    public static ushort Compute(in ReadOnlySequence<byte> data)
    {
        var accumulator = new InternetChecksumAccumulator();
        foreach (ReadOnlyMemory<byte> segment in data)
        {
            accumulator.Add(segment.Span);
        }

        return accumulator.ToChecksum();
    }

    /// <summary>Writes <paramref name="checksum"/> big-endian at <paramref name="offset"/> and <paramref name="offset"/> + 1 (the seed's <c>writeChecksum</c>).</summary>
    /// <param name="buffer">The packet.</param>
    /// <param name="offset">Where the checksum field starts, for example 2 for ICMP.</param>
    /// <param name="checksum">The checksum from <see cref="Compute(ReadOnlySpan{byte})"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The two bytes do not fit in <paramref name="buffer"/>.</exception>
    public static void Write(Span<byte> buffer, int offset, ushort checksum)
    {
        if ((uint)offset > (uint)buffer.Length - 2 || buffer.Length < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"A checksum at offset {offset} does not fit in a buffer of {buffer.Length} bytes.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer[offset..], checksum);
    }

    /// <summary>
    /// Zeroes the checksum field at <paramref name="checksumOffset"/>, computes the checksum of the whole
    /// <paramref name="packet"/> and writes it there: what <see cref="RawSocketOptions.GenerateChecksums"/>
    /// does to each datagram.
    /// </summary>
    /// <param name="packet">The packet, modified in place.</param>
    /// <param name="checksumOffset">Where the checksum field starts.</param>
    /// <returns>The checksum written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The field does not fit in <paramref name="packet"/>.</exception>
    public static ushort ComputeAndWrite(Span<byte> packet, int checksumOffset)
    {
        Write(packet, checksumOffset, 0);
        ushort checksum = Compute(packet);
        BinaryPrimitives.WriteUInt16BigEndian(packet[checksumOffset..], checksum);
        return checksum;
    }

    /// <summary>Whether <paramref name="data"/>, checksum field included, sums to all ones: a received packet's checksum is right.</summary>
    /// <param name="data">The packet with its checksum.</param>
    /// <returns><c>true</c> when the checksum verifies.</returns>
    public static bool IsValid(ReadOnlySpan<byte> data)
    {
        var accumulator = new InternetChecksumAccumulator();
        accumulator.Add(data);
        return accumulator.IsValid;
    }

    /// <summary>
    /// The one's complement sum of <paramref name="data"/> read as 16-bit words in the machine's byte order, folded
    /// to 16 bits (0 only when every byte is 0). The caller swaps it on little-endian machines.
    /// </summary>
    internal static uint SumNativeOrder(ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint offset = 0;
        ulong sum = 0;

        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<byte>.Count)
        {
            sum = SumVector256(ref start, length, ref offset);
        }

        if (Vector128.IsHardwareAccelerated && length - offset >= (nuint)Vector128<byte>.Count)
        {
            sum = AddWithCarry(sum, SumVector128(ref start, length, ref offset));
        }

        for (; length - offset >= 8; offset += 8)
        {
            sum = AddWithCarry(sum, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset)));
        }

        if (length - offset >= 4)
        {
            sum = AddWithCarry(sum, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, offset)));
            offset += 4;
        }

        if (length - offset >= 2)
        {
            sum = AddWithCarry(sum, Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref start, offset)));
            offset += 2;
        }

        if (length - offset == 1)
        {
            // The odd last byte is the high byte of a big-endian word padded with zero: in little-endian
            // order, where the result is swapped at the end, that is the low byte.
            uint last = Unsafe.Add(ref start, offset);
            sum = AddWithCarry(sum, BitConverter.IsLittleEndian ? last : last << 8);
        }

        return Fold(sum);
    }

    /// <summary>Folds a 64-bit one's complement sum to 16 bits with end-around carries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Fold(ulong sum)
    {
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        uint folded = (uint)sum;
        folded = (folded & 0xFFFF) + (folded >> 16);
        folded = (folded & 0xFFFF) + (folded >> 16);
        return folded;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddWithCarry(ulong sum, ulong value)
    {
        // 2^64 ≡ 1 (mod 0xFFFF): the carry out of the top goes back in at the bottom.
        ulong result = sum + value;
        return result + (result < value ? 1UL : 0UL);
    }

    private static ulong SumVector256(ref byte start, nuint length, ref nuint offset)
    {
        // Four independent accumulators keep the adds out of each other's way. A lane's carry out of 32 bits
        // is counted (LessThan yields all ones, that is -1, so subtracting it adds 1) and worth 2^32 ≡ 1.
        Vector256<uint> sum0 = Vector256<uint>.Zero, sum1 = sum0, sum2 = sum0, sum3 = sum0;
        Vector256<uint> carries0 = sum0, carries1 = sum0, carries2 = sum0, carries3 = sum0;
        nuint size = (nuint)Vector256<byte>.Count;

        for (; length - offset >= 4 * size; offset += 4 * size)
        {
            Vector256<uint> v0 = Vector256.LoadUnsafe(ref start, offset).AsUInt32();
            Vector256<uint> v1 = Vector256.LoadUnsafe(ref start, offset + size).AsUInt32();
            Vector256<uint> v2 = Vector256.LoadUnsafe(ref start, offset + (2 * size)).AsUInt32();
            Vector256<uint> v3 = Vector256.LoadUnsafe(ref start, offset + (3 * size)).AsUInt32();
            sum0 += v0;
            sum1 += v1;
            sum2 += v2;
            sum3 += v3;
            carries0 -= Vector256.LessThan(sum0, v0);
            carries1 -= Vector256.LessThan(sum1, v1);
            carries2 -= Vector256.LessThan(sum2, v2);
            carries3 -= Vector256.LessThan(sum3, v3);
        }

        for (; length - offset >= size; offset += size)
        {
            Vector256<uint> v0 = Vector256.LoadUnsafe(ref start, offset).AsUInt32();
            sum0 += v0;
            carries0 -= Vector256.LessThan(sum0, v0);
        }

        return Widen(sum0) + Widen(sum1) + Widen(sum2) + Widen(sum3)
            + Widen(carries0) + Widen(carries1) + Widen(carries2) + Widen(carries3);

        static ulong Widen(Vector256<uint> lanes)
        {
            (Vector256<ulong> lower, Vector256<ulong> upper) = Vector256.Widen(lanes);
            return Vector256.Sum(lower + upper);
        }
    }

    private static ulong SumVector128(ref byte start, nuint length, ref nuint offset)
    {
        Vector128<uint> sum = Vector128<uint>.Zero, carries = sum;
        nuint size = (nuint)Vector128<byte>.Count;
        for (; length - offset >= size; offset += size)
        {
            Vector128<uint> v = Vector128.LoadUnsafe(ref start, offset).AsUInt32();
            sum += v;
            carries -= Vector128.LessThan(sum, v);
        }

        (Vector128<ulong> lower, Vector128<ulong> upper) = Vector128.Widen(sum);
        (Vector128<ulong> carryLower, Vector128<ulong> carryUpper) = Vector128.Widen(carries);
        return Vector128.Sum(lower + upper) + Vector128.Sum(carryLower + carryUpper);
    }
}
