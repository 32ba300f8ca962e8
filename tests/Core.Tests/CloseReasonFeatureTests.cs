namespace PipeNet.Tests;

public sealed class CloseReasonFeatureTests
{
    [Fact]
    public void KeepsOnlyTheFirstReasonAndItsError()
    {
        var feature = new CloseReasonFeature();
        var reset = new NetException(NetErrorCode.ConnectionReset, "reset");
        Assert.Equal(ConnectionCloseReason.None, feature.CloseReason);
        Assert.False(feature.TrySetCloseReason(ConnectionCloseReason.None));
        Assert.True(feature.TrySetCloseReason(ConnectionCloseReason.PeerReset, reset));
        Assert.False(feature.TrySetCloseReason(ConnectionCloseReason.LocalClose));
        Assert.Equal(ConnectionCloseReason.PeerReset, feature.CloseReason);
        Assert.Same(reset, feature.CloseError);
    }

    [Fact]
    public void ExactlyOneOfManyRacingRecordersWins()
    {
        var feature = new CloseReasonFeature();
        int winners = 0;
        Parallel.For(1, 9, i =>
        {
            if (feature.TrySetCloseReason((ConnectionCloseReason)i))
            {
                Interlocked.Increment(ref winners);
            }
        });
        Assert.Equal(1, winners);
        Assert.NotEqual(ConnectionCloseReason.None, feature.CloseReason);
    }
}
