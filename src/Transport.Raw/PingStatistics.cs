namespace PipeNet.Transport.Raw;

/// <summary>
/// The summary of a run of pings, computed as iputils <c>ping</c> computes its last two lines: packets
/// transmitted and received, loss, and round-trip min/avg/max/mdev, in whole microseconds, with mdev the
/// standard deviation sqrt(mean(rtt²) − mean(rtt)²). Safe to update from several threads.
/// </summary>
public sealed class PingStatistics
{
    private readonly Lock _lock = new();
    private int _transmitted;
    private int _received;
    private int _errors;
    private long _minimum = long.MaxValue;
    private long _maximum;
    private long _sum;
    private long _sumOfSquares;
    private TimeSpan _elapsed;

    /// <summary>Requests sent (or attempted).</summary>
    public int Transmitted
    {
        get
        {
            lock (_lock)
            {
                return _transmitted;
            }
        }
    }

    /// <summary>Replies received in time.</summary>
    public int Received
    {
        get
        {
            lock (_lock)
            {
                return _received;
            }
        }
    }

    /// <summary>Requests that could not be sent (iputils' "+N errors").</summary>
    public int Errors
    {
        get
        {
            lock (_lock)
            {
                return _errors;
            }
        }
    }

    /// <summary>The percentage of requests without a reply, 0 to 100; 0 before anything was sent.</summary>
    public double PacketLoss
    {
        get
        {
            lock (_lock)
            {
                return _transmitted == 0 ? 0 : (_transmitted - _received) * 100.0 / _transmitted;
            }
        }
    }

    /// <summary>The shortest round trip; zero without replies.</summary>
    public TimeSpan Minimum => Read(() => _received == 0 ? 0 : _minimum);

    /// <summary>The mean round trip; zero without replies.</summary>
    public TimeSpan Average => Read(() => _received == 0 ? 0 : _sum / _received);

    /// <summary>The longest round trip; zero without replies.</summary>
    public TimeSpan Maximum => Read(() => _maximum);

    /// <summary>The mean deviation as iputils reports it (the standard deviation of the round trips); zero without replies.</summary>
    public TimeSpan MeanDeviation => Read(() =>
    {
        if (_received == 0)
        {
            return 0;
        }

        // iputils' order of operations, which avoids rounding small times away.
        long variance = (_sumOfSquares - (_sum * _sum / _received)) / _received;
        return (long)Math.Sqrt(Math.Max(variance, 0));
    });

    /// <summary>From the first request to the end of the run (iputils' "time").</summary>
    public TimeSpan Elapsed
    {
        get
        {
            lock (_lock)
            {
                return _elapsed;
            }
        }

        set
        {
            lock (_lock)
            {
                _elapsed = value;
            }
        }
    }

    /// <summary>Counts one request sent.</summary>
    public void RecordTransmitted()
    {
        lock (_lock)
        {
            _transmitted++;
        }
    }

    /// <summary>Counts the outcome of a request already counted by <see cref="RecordTransmitted"/>.</summary>
    /// <param name="reply">The outcome.</param>
    public void Record(PingReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        lock (_lock)
        {
            switch (reply.Status)
            {
                case PingStatus.Success:
                    long microseconds = reply.RoundTripTime.Ticks / TimeSpan.TicksPerMicrosecond;
                    _received++;
                    _sum += microseconds;
                    _sumOfSquares += microseconds * microseconds;
                    _minimum = Math.Min(_minimum, microseconds);
                    _maximum = Math.Max(_maximum, microseconds);
                    break;
                case PingStatus.Failed:
                    _errors++;
                    break;
            }
        }
    }

    private TimeSpan Read(Func<long> microseconds)
    {
        lock (_lock)
        {
            return TimeSpan.FromMicroseconds(microseconds());
        }
    }
}
