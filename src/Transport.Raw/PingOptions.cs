namespace PipeNet.Transport.Raw;

/// <summary>Options of <see cref="Pinger.PingAsync"/> and <see cref="Pinger.RunAsync"/>, named after iputils <c>ping</c>'s flags.</summary>
public sealed class PingOptions
{
    private int? _count = 4;
    private TimeSpan _interval = TimeSpan.FromSeconds(1);
    private TimeSpan _timeout = TimeSpan.FromSeconds(10);
    private int? _timeToLive;
    private int _payloadSize = 56;

    /// <summary>How many requests <see cref="Pinger.RunAsync"/> sends (<c>-c</c>); <c>null</c> sends until cancelled, as iputils does without <c>-c</c>.</summary>
    /// <remarks>Defaults to 4.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public int? Count
    {
        get => _count;
        set => _count = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(Count), value, "Count must be positive, or null for no limit.");
    }

    /// <summary>The time between two requests of <see cref="Pinger.RunAsync"/> (<c>-i</c>). Requests do not wait for the previous reply.</summary>
    /// <remarks>Defaults to one second.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public TimeSpan Interval
    {
        get => _interval;
        set => _interval = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Interval), value, "Interval must not be negative.");
    }

    /// <summary>How long to wait for each reply (<c>-W</c>); a later reply is ignored and the request counts as lost.</summary>
    /// <remarks>Defaults to 10 seconds, iputils' wait for the last replies.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        set => _timeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Timeout), value, "Timeout must be positive.");
    }

    /// <summary>The IPv4 time to live or IPv6 hop limit of the requests (<c>-t</c>); <c>null</c> keeps the system default.</summary>
    /// <remarks>Defaults to <c>null</c> (on Linux, net.ipv4.ip_default_ttl: 64).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1 to 255.</exception>
    public int? TimeToLive
    {
        get => _timeToLive;
        set => _timeToLive = value is null or (>= 1 and <= 255) ? value : throw new ArgumentOutOfRangeException(nameof(TimeToLive), value, "TimeToLive must be from 1 to 255, or null for the system default.");
    }

    /// <summary>The bytes of data after the 8-byte echo header (<c>-s</c>).</summary>
    /// <remarks>Defaults to 56, which makes 64-byte ICMP messages, as iputils.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Negative or over <see cref="Icmpv6Echo.MaxPayloadLength"/> (IPv4 allows <see cref="IcmpEcho.MaxPayloadLength"/>, checked when sending).</exception>
    public int PayloadSize
    {
        get => _payloadSize;
        set => _payloadSize = value is >= 0 and <= Icmpv6Echo.MaxPayloadLength
            ? value
            : throw new ArgumentOutOfRangeException(nameof(PayloadSize), value, $"PayloadSize must be from 0 to {Icmpv6Echo.MaxPayloadLength} ({IcmpEcho.MaxPayloadLength} over IPv4).");
    }
}
