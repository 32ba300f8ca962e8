namespace PipeNet;

/// <summary>
/// TCP keep-alive: whether it is on, how long a connection may be silent before the first probe, the
/// time between probes, and how many unanswered probes drop the connection.
/// </summary>
/// <param name="Enabled">Whether keep-alive probes are sent.</param>
/// <param name="IdleTime">Silence before the first probe (TCP_KEEPIDLE). Whole seconds, at least one.</param>
/// <param name="Interval">Time between probes (TCP_KEEPINTVL). Whole seconds, at least one.</param>
/// <param name="ProbeCount">Unanswered probes before the connection is dropped (TCP_KEEPCNT), at least one.</param>
public readonly record struct KeepAliveSettings(bool Enabled, TimeSpan IdleTime, TimeSpan Interval, int ProbeCount)
{
    /// <summary>Keep-alive off.</summary>
    public static KeepAliveSettings Disabled => new(false, TimeSpan.Zero, TimeSpan.Zero, 0);

    /// <summary>
    /// Keep-alive on with rampart's defaults: first probe after 1 s of silence, then every 1 s, 10 probes.
    /// </summary>
    public static KeepAliveSettings Default => new(true, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 10);

    /// <summary>Throws when an enabled setting has a value the kernel cannot take.</summary>
    /// <param name="paramName">The argument name reported in the exception.</param>
    /// <exception cref="ArgumentOutOfRangeException">A time under one second or over 32767 s, or a probe count outside 1..127.</exception>
    public void Validate(string paramName)
    {
        if (!Enabled)
        {
            return;
        }

        if (IdleTime < TimeSpan.FromSeconds(1) || IdleTime > TimeSpan.FromSeconds(32767))
        {
            throw new ArgumentOutOfRangeException(paramName, IdleTime, "Keep-alive IdleTime must be between 1 and 32767 seconds.");
        }

        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromSeconds(32767))
        {
            throw new ArgumentOutOfRangeException(paramName, Interval, "Keep-alive Interval must be between 1 and 32767 seconds.");
        }

        if (ProbeCount is < 1 or > 127)
        {
            throw new ArgumentOutOfRangeException(paramName, ProbeCount, "Keep-alive ProbeCount must be between 1 and 127.");
        }
    }
}
