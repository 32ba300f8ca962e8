using System.Diagnostics;
using System.Numerics;

namespace PipeNet.Cli;

/// <summary>
/// A fixed-size, log-bucketed latency histogram in nanoseconds: recording is an index computation and an
/// interlocked increment, with no allocation, so a closed-loop client can record every round trip.
/// </summary>
/// <remarks>
/// <code>
///  value v (ns)         bucket
///  0..15                v itself (exact)
///  2^e .. 2^(e+1)-1     (e-3)*16 + the 4 bits after the leading one  (16 buckets per doubling)
/// </code>
/// Each bucket spans at most 1/16 of its lower bound, so a percentile read back is within 6.25% of the
/// truth (reported as the bucket's upper bound: never optimistic). Values of 2^40 ns (18 min) and more
/// land in the last bucket. Several threads may record into one histogram at once.
/// </remarks>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 4;
    private const int SubBucketCount = 1 << SubBucketBits;
    private const int MaxExponent = 39;
    private const int BucketCount = (MaxExponent - SubBucketBits + 2) * SubBucketCount;

    private static readonly double s_nanosecondsPerTick = 1_000_000_000.0 / Stopwatch.Frequency;

    private readonly long[] _counts = new long[BucketCount];
    private long _count;
    private long _max;

    /// <summary>Round trips recorded.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>The largest value recorded, exactly; 0 when empty.</summary>
    public long MaxNanoseconds => Interlocked.Read(ref _max);

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    public void RecordSince(long startTimestamp) =>
        Record((long)((Stopwatch.GetTimestamp() - startTimestamp) * s_nanosecondsPerTick));

    /// <summary>Records one value; negative values count as 0.</summary>
    public void Record(long nanoseconds)
    {
        long value = Math.Max(nanoseconds, 0);
        Interlocked.Increment(ref _counts[GetBucket(value)]);
        Interlocked.Increment(ref _count);
        long max = Interlocked.Read(ref _max);
        while (value > max)
        {
            long seen = Interlocked.CompareExchange(ref _max, value, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>Adds every count of <paramref name="other"/> to this one (a snapshot if it is still recording).</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        long total = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            long count = Interlocked.Read(ref other._counts[i]);
            _counts[i] += count;
            total += count;
        }

        // Counted from the buckets, not other.Count, so the total always matches the buckets it summarises.
        _count += total;
        _max = Math.Max(_max, other.MaxNanoseconds);
    }

    /// <summary>
    /// Makes this histogram <paramref name="later"/> minus <paramref name="earlier"/>: what was recorded
    /// between two snapshots. The maximum becomes the upper bound of the highest bucket in the interval.
    /// </summary>
    public void SetToDifference(LatencyHistogram later, LatencyHistogram earlier)
    {
        ArgumentNullException.ThrowIfNull(later);
        ArgumentNullException.ThrowIfNull(earlier);
        _count = 0;
        _max = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            long count = later._counts[i] - earlier._counts[i];
            _counts[i] = count;
            _count += count;
            if (count > 0)
            {
                _max = Math.Min(GetUpperBound(i), later._max);
            }
        }
    }

    /// <summary>Forgets every value.</summary>
    public void Clear()
    {
        Array.Clear(_counts);
        _count = 0;
        _max = 0;
    }

    /// <summary>
    /// The value at or below which <paramref name="percentile"/> percent of the recorded values lie,
    /// as the upper bound of its bucket (capped at the maximum); 0 when empty.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percentile"/> is outside 0..100.</exception>
    public long GetValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        long count = Count;
        if (count == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * count));
        long seen = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(GetUpperBound(i), MaxNanoseconds);
            }
        }

        return MaxNanoseconds;
    }

    internal static int GetBucket(long value)
    {
        if (value < SubBucketCount)
        {
            return (int)value;
        }

        int exponent = BitOperations.Log2((ulong)value);
        if (exponent > MaxExponent)
        {
            return BucketCount - 1;
        }

        int shift = exponent - SubBucketBits;
        int subBucket = (int)(value >> shift) & (SubBucketCount - 1);
        return ((shift + 1) * SubBucketCount) + subBucket;
    }

    internal static long GetUpperBound(int bucket)
    {
        if (bucket < SubBucketCount)
        {
            return bucket;
        }

        int shift = (bucket / SubBucketCount) - 1;
        long lowerBound = (long)(SubBucketCount + (bucket % SubBucketCount)) << shift;
        return lowerBound + (1L << shift) - 1;
    }
}
