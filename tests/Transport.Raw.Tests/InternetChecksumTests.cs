using System.Buffers;
using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

public class InternetChecksumTests
{
    private const int MaxLength = 2000;

    /// <summary>The plain scalar reference: big-endian 16-bit words, one's complement sum, complement.</summary>
    private static ushort Reference(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += (uint)((data[i] << 8) | data[i + 1]);
        }

        if (i < data.Length)
        {
            sum += (uint)(data[i] << 8);
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    [Fact]
    public void MatchesTheWorkedExampleOfRfc1071()
    {
        // RFC 1071 §3: the sum of 0001 f203 f4f5 f6f7 is ddf2, so the checksum is its complement 220d.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        var sum = new InternetChecksumAccumulator();
        sum.Add(data);

        Assert.Equal(0xddf2, sum.Sum);
        Assert.Equal(0x220d, InternetChecksum.Compute(data));
        Assert.Equal(0x220d, Reference(data));
    }

    [Fact]
    public void VerifiesTheSeedsExamplePingRequest()
    {
        // The seed's send() example: "ICMP echo (ping) request, checksum should be ok".
        byte[] request =
        [
            0x08, 0x00, 0x43, 0x52, 0x00, 0x01, 0x0a, 0x09,
            0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
            0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70,
            0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x61,
            0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
        ];

        Assert.True(InternetChecksum.IsValid(request));
        byte[] copy = (byte[])request.Clone();
        Assert.Equal(0x4352, InternetChecksum.ComputeAndWrite(copy, 2));
        Assert.Equal(request, copy);
    }

    [Fact]
    public void MatchesTheScalarReferenceForEveryLengthUpTo2000()
    {
        byte[] data = RandomBytes(MaxLength + 1, seed: 1071);
        for (int length = 0; length <= MaxLength; length++)
        {
            Assert.True(Reference(data.AsSpan(0, length)) == InternetChecksum.Compute(data.AsSpan(0, length)), $"length {length}");

            // Misaligned start: vector loads must not assume alignment.
            Assert.True(Reference(data.AsSpan(1, length)) == InternetChecksum.Compute(data.AsSpan(1, length)), $"length {length} at offset 1");
        }
    }

    [Fact]
    public void SplitBuffersSumAsOneStreamAtEveryKindOfSplitPoint()
    {
        byte[] data = RandomBytes(MaxLength, seed: 8200);
        var random = new Random(42);
        for (int length = 0; length <= MaxLength; length++)
        {
            ushort expected = Reference(data.AsSpan(0, length));
            int[] splits = [0, length / 2, Math.Max(length - 1, 0), random.Next(length + 1), random.Next(length + 1) | 1];
            foreach (int split in splits.Where(s => s <= length).Distinct())
            {
                ReadOnlyMemory<byte> whole = data.AsMemory(0, length);
                Assert.True(expected == InternetChecksum.Compute(whole[..split], whole[split..]), $"length {length} split {split}");
            }

            // Three odd-sized pieces through the accumulator.
            if (length >= 3)
            {
                int first = random.Next(1, length - 1) | 1;
                first = Math.Min(first, length - 2);
                int second = random.Next(1, length - first);
                var sum = new InternetChecksumAccumulator();
                sum.Add(data.AsSpan(0, first));
                sum.Add(data.AsSpan(first, second));
                sum.Add(data.AsSpan(first + second, length - first - second));
                Assert.True(expected == sum.ToChecksum(), $"length {length} pieces {first}/{second}");
                Assert.Equal(length, sum.Length);
            }
        }
    }

    [Fact]
    public void SumsEverySegmentOfASequence()
    {
        byte[] data = RandomBytes(1001, seed: 3);
        ReadOnlySequence<byte> sequence = SequenceOf(data.AsMemory(0, 333), data.AsMemory(333, 1), data.AsMemory(334, 667));

        Assert.False(sequence.IsSingleSegment);
        Assert.Equal(Reference(data), InternetChecksum.Compute(sequence));
    }

    [Fact]
    public void CarriesAreExactOnLongRunsOfOnes()
    {
        // All-ones words are the worst case for the vector lanes' carries.
        byte[] ones = new byte[1 << 20];
        ones.AsSpan().Fill(0xFF);
        Assert.Equal(Reference(ones), InternetChecksum.Compute(ones));
        Assert.Equal(Reference(ones.AsSpan(0, 12_345)), InternetChecksum.Compute(ones.AsSpan(0, 12_345)));

        byte[] data = RandomBytes(1 << 20, seed: 99);
        Assert.Equal(Reference(data), InternetChecksum.Compute(data));
    }

    [Fact]
    public void AllZeroDataChecksumsToAllOnes()
    {
        Assert.Equal(0xFFFF, InternetChecksum.Compute(ReadOnlySpan<byte>.Empty));
        Assert.Equal(0xFFFF, InternetChecksum.Compute(new byte[100]));
    }

    [Fact]
    public void WritingAtAnOffsetMakesThePacketVerify()
    {
        byte[] packet = RandomBytes(41, seed: 5);
        ushort checksum = InternetChecksum.ComputeAndWrite(packet, 2);

        Assert.True(InternetChecksum.IsValid(packet));
        Assert.Equal(checksum, (ushort)((packet[2] << 8) | packet[3]));

        packet[10] ^= 0x40;
        Assert.False(InternetChecksum.IsValid(packet));
    }

    [Fact]
    public void WriteRejectsAnOffsetOutsideTheBuffer()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => InternetChecksum.Write(new byte[4], 3, 0x1234));
        Assert.Equal("offset", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => InternetChecksum.Write(new byte[4], -1, 0x1234));

        byte[] buffer = new byte[4];
        InternetChecksum.Write(buffer, 2, 0x1234);
        Assert.Equal(new byte[] { 0, 0, 0x12, 0x34 }, buffer);
    }

    [Fact]
    public void ByteOrderHelpersSwapOnlyOnLittleEndianMachines()
    {
        Assert.Equal(BitConverter.IsLittleEndian ? (ushort)0x3412 : (ushort)0x1234, ByteOrder.HostToNetwork((ushort)0x1234));
        Assert.Equal(BitConverter.IsLittleEndian ? 0x78563412u : 0x12345678u, ByteOrder.HostToNetwork(0x12345678u));
        Assert.Equal((ushort)0xABCD, ByteOrder.NetworkToHost(ByteOrder.HostToNetwork((ushort)0xABCD)));
        Assert.Equal(0xDEADBEEFu, ByteOrder.NetworkToHost(ByteOrder.HostToNetwork(0xDEADBEEFu)));
    }

    private static ReadOnlySequence<byte> SequenceOf(params ReadOnlyMemory<byte>[] parts)
    {
        var first = new Segment(parts[0], 0);
        Segment last = first;
        foreach (ReadOnlyMemory<byte> part in parts.Skip(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
