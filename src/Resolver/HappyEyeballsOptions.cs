namespace PipeNet.Resolver;

/// <summary>Options of <see cref="HappyEyeballsConnector"/>.</summary>
public sealed class HappyEyeballsOptions
{
    private TimeSpan _attemptDelay = TimeSpan.FromMilliseconds(250);
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>
    /// How long an attempt runs alone before the next address is tried beside it (RFC 8305's "Connection Attempt
    /// Delay"; Node's <c>autoSelectFamilyAttemptTimeout</c>).
    /// </summary>
    /// <remarks>Defaults to 250 ms, RFC 8305's recommendation and Node's default.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Under 10 ms (Node's minimum) or over a minute.</exception>
    public TimeSpan AttemptDelay
    {
        get => _attemptDelay;
        set => _attemptDelay = value >= TimeSpan.FromMilliseconds(10) && value <= TimeSpan.FromMinutes(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(AttemptDelay), value, "AttemptDelay must be between 10 ms and a minute.");
    }

    /// <summary>The clock behind the attempt delay (tests pass a fake one).</summary>
    /// <remarks>Defaults to <see cref="TimeProvider.System"/>.</remarks>
    /// <exception cref="ArgumentNullException">Set to <c>null</c>.</exception>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? throw new ArgumentNullException(nameof(TimeProvider));
    }
}
