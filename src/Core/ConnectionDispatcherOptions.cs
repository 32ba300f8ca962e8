namespace PipeNet;

/// <summary>Policy the <see cref="ConnectionDispatcher"/> applies to every connection it accepts.</summary>
/// <remarks>
/// The dispatcher reads these options on every accept and every heartbeat, so changing
/// <see cref="MaxConnections"/> or <see cref="IdleTimeout"/> on a running server takes effect for the
/// next connection (idle timeouts of connections already open keep the value they started with,
/// unless changed through <see cref="IConnectionIdleTimeoutFeature"/>).
/// </remarks>
public sealed class ConnectionDispatcherOptions
{
    private int _maxConnections = -1; // -1: no limit; an int so reads and writes are atomic.
    private TimeSpan? _idleTimeout;
    private KeepAliveSettings? _keepAlive;
    private TimeSpan _heartbeatInterval = TimeSpan.FromSeconds(1);
    private TimeSpan _shutdownTimeout = TimeSpan.FromSeconds(30);
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>
    /// The most connections served at once; a connection over the limit is closed at once and reported
    /// as dropped. <c>null</c> means no limit.
    /// </summary>
    /// <remarks>Defaults to <c>null</c> (no limit), as Node and rampart.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">A negative value.</exception>
    public int? MaxConnections
    {
        get => Volatile.Read(ref _maxConnections) is var max && max < 0 ? null : max;
        set
        {
            if (value is < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxConnections), value, "MaxConnections must be zero or more, or null for no limit.");
            }

            Volatile.Write(ref _maxConnections, value ?? -1);
        }
    }

    /// <summary>
    /// How long a connection may move no bytes in either direction before its idle-timeout handling runs
    /// (<see cref="IConnectionIdleTimeoutFeature.TimedOut"/>; by default the connection is aborted with
    /// <c>ETIMEDOUT</c>). <c>null</c> disables the timeout.
    /// </summary>
    /// <remarks>Defaults to <c>null</c> (no idle timeout), as Node. Resolution is <see cref="HeartbeatInterval"/>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public TimeSpan? IdleTimeout
    {
        get => _idleTimeout;
        set
        {
            if (value is { } v && v <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(IdleTimeout), value, "IdleTimeout must be positive, or null to disable it.");
            }

            _idleTimeout = value;
        }
    }

    /// <summary>
    /// Keep-alive applied to every accepted connection whose transport offers <see cref="ISocketOptionsFeature"/>.
    /// <c>null</c> leaves the transport's setting alone.
    /// </summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Values the kernel cannot take.</exception>
    public KeepAliveSettings? KeepAlive
    {
        get => _keepAlive;
        set
        {
            value?.Validate(nameof(KeepAlive));
            _keepAlive = value;
        }
    }

    /// <summary>TCP_NODELAY applied to every accepted connection; <c>null</c> leaves the transport's default.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public bool? NoDelay { get; set; }

    /// <summary>How often the shared heartbeat checks idle connections.</summary>
    /// <remarks>Defaults to 1 second.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Under 10 ms or over one hour.</exception>
    public TimeSpan HeartbeatInterval
    {
        get => _heartbeatInterval;
        set
        {
            if (value < TimeSpan.FromMilliseconds(10) || value > TimeSpan.FromHours(1))
            {
                throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), value, "HeartbeatInterval must be between 10 ms and 1 hour.");
            }

            _heartbeatInterval = value;
        }
    }

    /// <summary>The grace period <see cref="ConnectionDispatcher.DisposeAsync"/> gives open connections.</summary>
    /// <remarks>Defaults to 30 seconds.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">A negative value.</exception>
    public TimeSpan ShutdownTimeout
    {
        get => _shutdownTimeout;
        set
        {
            if (value < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), value, "ShutdownTimeout must not be negative.");
            }

            _shutdownTimeout = value;
        }
    }

    /// <summary>The clock behind idle timeouts, accept back-off and shutdown timeouts.</summary>
    /// <remarks>Defaults to <see cref="TimeProvider.System"/>.</remarks>
    /// <exception cref="ArgumentNullException"><c>null</c>.</exception>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? throw new ArgumentNullException(nameof(TimeProvider));
    }
}
