using System.Net;
using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

public class PingStatisticsTests
{
    private static PingReply Reply(int microseconds) =>
        new(PingStatus.Success, IPAddress.Loopback, 1, TimeSpan.FromMicroseconds(microseconds), 64, 64, null);

    [Fact]
    public void SummarisesLikeIputils()
    {
        // iputils printed "rtt min/avg/max/mdev = 0.039/0.228/0.604/0.265 ms" for these round trips.
        var statistics = new PingStatistics();
        foreach (int rtt in new[] { 604, 41, 39 })
        {
            statistics.RecordTransmitted();
            statistics.Record(Reply(rtt));
        }

        Assert.Equal(3, statistics.Received);
        Assert.Equal(0, statistics.PacketLoss);
        Assert.Equal(TimeSpan.FromMicroseconds(39), statistics.Minimum);
        Assert.Equal(TimeSpan.FromMicroseconds(228), statistics.Average);
        Assert.Equal(TimeSpan.FromMicroseconds(604), statistics.Maximum);
        Assert.Equal(TimeSpan.FromMicroseconds(265), statistics.MeanDeviation);
        Assert.Equal("rtt min/avg/max/mdev = 0.039/0.228/0.604/0.265 ms", Internal.PingOutput.RoundTrips(statistics));
    }

    [Fact]
    public void CountsLossAndErrors()
    {
        var statistics = new PingStatistics { Elapsed = TimeSpan.FromMilliseconds(2003.7) };
        for (int i = 0; i < 3; i++)
        {
            statistics.RecordTransmitted();
        }

        statistics.Record(Reply(1500));
        statistics.Record(new PingReply(PingStatus.TimedOut, IPAddress.Loopback, 2, TimeSpan.Zero, null, 0, null));
        statistics.Record(new PingReply(PingStatus.Failed, IPAddress.Loopback, 3, TimeSpan.Zero, null, 0, new NetException(NetErrorCode.NetworkUnreachable, "down")));

        Assert.Equal(1, statistics.Received);
        Assert.Equal(1, statistics.Errors);
        Assert.Equal(200.0 / 3, statistics.PacketLoss, 10);
        Assert.Equal(TimeSpan.Zero, statistics.MeanDeviation);
        Assert.Equal("3 packets transmitted, 1 received, +1 errors, 66.6667% packet loss, time 2003ms", Internal.PingOutput.Totals(statistics));
    }

    [Fact]
    public void IsAllZerosWithoutReplies()
    {
        var statistics = new PingStatistics();
        statistics.RecordTransmitted();

        Assert.Equal(100, statistics.PacketLoss);
        Assert.Equal(TimeSpan.Zero, statistics.Minimum);
        Assert.Equal(TimeSpan.Zero, statistics.Average);
        Assert.Equal(TimeSpan.Zero, statistics.MeanDeviation);
    }

    [Theory]
    [InlineData(45, "0.045")]
    [InlineData(1234, "1.23")]
    [InlineData(12_345, "12.3")]
    [InlineData(123_456, "123")]
    public void FormatsReplyTimesWithIputilsPrecision(int microseconds, string expected)
    {
        Assert.Equal(expected, Internal.PingOutput.ReplyTime(TimeSpan.FromMicroseconds(microseconds)));
    }
}
