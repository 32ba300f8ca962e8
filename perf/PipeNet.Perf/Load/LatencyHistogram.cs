using System.Diagnostics;
using System.Numerics;

namespace PipeNet.Perf.Load;

/// <summary>
/// A log-bucketed latency histogram in <see cref="Stopwatch"/> ticks: 8 buckets per power of two
/// (under 9 % relative error), fixed size, no allocation per sample. One per worker, merged at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 3;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int BucketCount = (64 - SubBucketBits + 1) * SubBuckets;

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    public void Record(long ticks, int count)
    {
        _counts[IndexOf(Math.Max(ticks, 0))] += count;
        Count += count;
    }

    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>The latency below which <paramref name="percentile"/> % of samples fall, in microseconds (0 with no samples).</summary>
    public double PercentileMicroseconds(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(Count * percentile / 100.0));
        long seen = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return MidpointOf(i) * 1_000_000.0 / Stopwatch.Frequency;
            }
        }

        return double.NaN;
    }

    private static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        int exponent = 63 - BitOperations.LeadingZeroCount((ulong)value);
        int sub = (int)(value >> (exponent - SubBucketBits)) & (SubBuckets - 1);
        return ((exponent - SubBucketBits + 1) * SubBuckets) + sub;
    }

    private static double MidpointOf(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        int exponent = (index / SubBuckets) + SubBucketBits - 1;
        int sub = index % SubBuckets;
        double low = (double)(SubBuckets + sub) * Math.Pow(2, exponent - SubBucketBits);
        double width = Math.Pow(2, exponent - SubBucketBits);
        return low + (width / 2);
    }
}
