namespace PipeNet.Cli.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void SmallValuesAreExact()
    {
        var histogram = new LatencyHistogram();
        for (long v = 0; v < 16; v++)
        {
            histogram.Record(v);
        }

        Assert.Equal(16, histogram.Count);
        Assert.Equal(0, histogram.GetValueAtPercentile(0));
        Assert.Equal(7, histogram.GetValueAtPercentile(50));
        Assert.Equal(15, histogram.GetValueAtPercentile(100));
    }

    [Fact]
    public void BucketsAreContiguousAndNeverWiderThanASixteenth()
    {
        long previousUpper = -1;
        for (int bucket = 0; bucket < LatencyHistogram.GetBucket(1L << 39) + 16; bucket++)
        {
            long upper = LatencyHistogram.GetUpperBound(bucket);
            long lower = previousUpper + 1;
            Assert.Equal(bucket, LatencyHistogram.GetBucket(lower));
            Assert.Equal(bucket, LatencyHistogram.GetBucket(upper));
            Assert.True(upper - lower <= Math.Max(lower / 16, 0), $"bucket {bucket}: {lower}..{upper}");
            previousUpper = upper;
        }
    }

    [Fact]
    public void PercentilesAreWithinTheBucketResolutionAndNeverBelowTheTruth()
    {
        var histogram = new LatencyHistogram();
        for (long microseconds = 1; microseconds <= 10_000; microseconds++)
        {
            histogram.Record(microseconds * 1000);
        }

        foreach ((double percentile, long truth) in new[] { (50.0, 5_000_000L), (99.0, 9_900_000L), (99.9, 9_990_000L) })
        {
            long reported = histogram.GetValueAtPercentile(percentile);
            Assert.InRange(reported, truth, truth + (truth / 16));
        }

        Assert.Equal(10_000_000, histogram.MaxNanoseconds);
        Assert.Equal(10_000_000, histogram.GetValueAtPercentile(100));
    }

    [Fact]
    public void HugeAndNegativeValuesAreClampedNotLost()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(-5);
        histogram.Record(long.MaxValue);

        Assert.Equal(2, histogram.Count);
        Assert.Equal(0, histogram.GetValueAtPercentile(50));
        Assert.Equal(long.MaxValue, histogram.MaxNanoseconds);
    }

    [Fact]
    public void DifferenceOfTwoSnapshotsIsWhatWasRecordedBetweenThem()
    {
        var live = new LatencyHistogram();
        live.Record(1_000);
        var earlier = new LatencyHistogram();
        earlier.Add(live);

        live.Record(2_000_000);
        live.Record(2_000_000);
        var later = new LatencyHistogram();
        later.Add(live);

        var interval = new LatencyHistogram();
        interval.SetToDifference(later, earlier);

        Assert.Equal(2, interval.Count);
        Assert.InRange(interval.GetValueAtPercentile(50), 2_000_000, 2_000_000 + (2_000_000 / 16));
        Assert.InRange(interval.MaxNanoseconds, 2_000_000, 2_000_000 + (2_000_000 / 16));
    }

    [Fact]
    public void ConcurrentRecordersLoseNoCounts()
    {
        var histogram = new LatencyHistogram();
        Parallel.For(0, 4, worker =>
        {
            for (int i = 0; i < 100_000; i++)
            {
                histogram.Record(i);
            }
        });

        var snapshot = new LatencyHistogram();
        snapshot.Add(histogram);
        Assert.Equal(400_000, histogram.Count);
        Assert.Equal(400_000, snapshot.Count);
        Assert.Equal(99_999, histogram.MaxNanoseconds);
    }
}
