using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using PipeNet.Transport.Raw;

namespace PipeNet.Perf.Micro;

/// <summary>
/// <see cref="InternetChecksum"/> (vectorised) against the plain RFC 1071 loop a user would write:
/// sixteen-bit words summed into 32 bits, carries folded at the end.
/// </summary>
[MemoryDiagnoser]
public class ChecksumBenchmarks
{
    private byte[] _data = [];

    [Params(64, 1500, 65536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(1071).NextBytes(_data);
    }

    [Benchmark]
    public ushort Vectorised() => InternetChecksum.Compute(_data);

    [Benchmark(Baseline = true)]
    public ushort Scalar()
    {
        ReadOnlySpan<byte> data = _data;
        uint sum = 0;
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
