namespace PipeNet;

/// <summary>
/// How a <see cref="ReconnectingSocket"/> comes back after its connection is lost or an attempt fails: exponential
/// back-off with jitter, an optional attempt limit, and a bound on what is buffered while disconnected.
/// </summary>
public sealed class ReconnectOptions
{
    private TimeSpan _initialDelay = TimeSpan.FromMilliseconds(100);
    private TimeSpan _maxDelay = TimeSpan.FromSeconds(30);
    private double _multiplier = 2;
    private double _jitter = 0.2;
    private int? _maxAttempts;
    private TimeSpan _resetAfter = TimeSpan.FromSeconds(10);
    private long _maxBufferedBytes = 1024 * 1024;
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>The wait before the first attempt after a loss; each failed attempt multiplies it by <see cref="Multiplier"/>.</summary>
    /// <remarks>Defaults to 100 ms.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public TimeSpan InitialDelay
    {
        get => _initialDelay;
        set => _initialDelay = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(InitialDelay), value, "InitialDelay must be positive.");
    }

    /// <summary>The longest wait between two attempts.</summary>
    /// <remarks>Defaults to 30 s. A value below <see cref="InitialDelay"/> caps every wait at itself.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public TimeSpan MaxDelay
    {
        get => _maxDelay;
        set => _maxDelay = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(MaxDelay), value, "MaxDelay must be positive.");
    }

    /// <summary>How much longer each wait is than the one before.</summary>
    /// <remarks>Defaults to 2.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Below 1, or not a number.</exception>
    public double Multiplier
    {
        get => _multiplier;
        set => _multiplier = value >= 1 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(Multiplier), value, "Multiplier must be at least 1.");
    }

    /// <summary>
    /// The share of each wait that is random, so that many clients of one server do not come back in step: a wait
    /// of <c>d</c> becomes a uniform pick in <c>[d × (1 − Jitter), d]</c>. 0 turns the randomness off.
    /// </summary>
    /// <remarks>Defaults to 0.2.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..1.</exception>
    public double Jitter
    {
        get => _jitter;
        set => _jitter = value is >= 0 and <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Jitter), value, "Jitter must be between 0 and 1.");
    }

    /// <summary>
    /// Reconnect attempts in a row (after a loss, or after the first connect failed) that may fail before the socket
    /// gives up and raises <c>error</c>, then <c>close</c>; <c>null</c> for no limit.
    /// </summary>
    /// <remarks>Defaults to <c>null</c> (keep trying).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int? MaxAttempts
    {
        get => _maxAttempts;
        set => _maxAttempts = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxAttempts), value, "MaxAttempts must be at least 1, or null for no limit.");
    }

    /// <summary>
    /// How long a connection must stay up for the back-off to start over (attempt 1, <see cref="InitialDelay"/>) when
    /// it is lost. A connection that drops sooner continues the back-off where it was, so a server that accepts and
    /// closes at once is not hammered.
    /// </summary>
    /// <remarks>Defaults to 10 s.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public TimeSpan ResetAfter
    {
        get => _resetAfter;
        set => _resetAfter = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(ResetAfter), value, "ResetAfter must not be negative.");
    }

    /// <summary>
    /// The most bytes <c>Write</c> keeps while there is no connection; they are sent, in order, first thing on the next
    /// connection. A write that would pass the bound is rejected whole: <c>Write</c> returns <c>false</c> and its
    /// callback gets an <c>ENOBUFS</c> error. 0 rejects every write made while disconnected.
    /// </summary>
    /// <remarks>Defaults to 1 MiB.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public long MaxBufferedBytes
    {
        get => _maxBufferedBytes;
        set => _maxBufferedBytes = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxBufferedBytes), value, "MaxBufferedBytes must not be negative.");
    }

    /// <summary>The clock the waits run on.</summary>
    /// <remarks>Defaults to <see cref="TimeProvider.System"/>.</remarks>
    /// <exception cref="ArgumentNullException"><c>null</c>.</exception>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? throw new ArgumentNullException(nameof(TimeProvider));
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> (1-based) of an outage, before jitter.</summary>
    internal TimeSpan DelayBefore(int attempt)
    {
        double ticks = InitialDelay.Ticks * Math.Pow(Multiplier, attempt - 1);
        return TimeSpan.FromTicks((long)Math.Min(ticks, Math.Max(MaxDelay.Ticks, 1)));
    }

    internal ReconnectOptions Clone() => (ReconnectOptions)MemberwiseClone();
}
