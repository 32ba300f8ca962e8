using System.Net;

namespace PipeNet.Resolver;

/// <summary>Options of a <see cref="HostResolver"/>: which back end answers, how long answers are kept, how hard to try.</summary>
public sealed class HostResolverOptions
{
    private TimeSpan _timeout = TimeSpan.FromSeconds(2);
    private int _retries = 2;
    private int _maxCacheEntries = 1000;
    private TimeSpan _negativeTtl = TimeSpan.FromSeconds(5);
    private TimeSpan _maxTtl = TimeSpan.FromHours(1);
    private TimeSpan _systemTtl = TimeSpan.Zero;
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>
    /// DNS servers to query directly, each <c>IP[:port]</c> (<c>[IPv6]:port</c> for IPv6 with a port). When empty the
    /// operating system's resolver answers (it honours <c>/etc/hosts</c> and nsswitch).
    /// </summary>
    /// <remarks>Defaults to empty: the system resolver. Each entry is checked when the resolver is created.</remarks>
    public IList<string> Servers { get; } = new List<string>();

    /// <summary>How long one query to one server may take before it is retried or the next server is asked.</summary>
    /// <remarks>Defaults to 2 seconds. Direct DNS only.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero, negative, or over a minute.</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        set => _timeout = value > TimeSpan.Zero && value <= TimeSpan.FromMinutes(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Timeout), value, "Timeout must be positive and at most a minute.");
    }

    /// <summary>How many more times a server that did not answer is asked before the next one is tried.</summary>
    /// <remarks>Defaults to 2 (three tries per server). Direct DNS only.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..10.</exception>
    public int Retries
    {
        get => _retries;
        set => _retries = value is >= 0 and <= 10 ? value : throw new ArgumentOutOfRangeException(nameof(Retries), value, "Retries must be between 0 and 10.");
    }

    /// <summary>
    /// Whether consecutive queries start at successive servers (resolv.conf's <c>rotate</c>) instead of always at the first.
    /// Either way a server that fails or does not answer is followed by the next.
    /// </summary>
    /// <remarks>Defaults to <c>false</c>. Direct DNS only.</remarks>
    public bool RotateServers { get; set; }

    /// <summary>How many answers the cache keeps; 0 turns caching off (concurrent lookups of one name still share one query).</summary>
    /// <remarks>Defaults to 1000. When full, expired answers go first, then those closest to expiring.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or over 1,000,000.</exception>
    public int MaxCacheEntries
    {
        get => _maxCacheEntries;
        set => _maxCacheEntries = value is >= 0 and <= 1_000_000 ? value : throw new ArgumentOutOfRangeException(nameof(MaxCacheEntries), value, "MaxCacheEntries must be between 0 and 1,000,000.");
    }

    /// <summary>How long a "no such name" answer (<c>ENOTFOUND</c>) is remembered; zero to not remember it.</summary>
    /// <remarks>Defaults to 5 seconds. Timeouts and server failures are never cached.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or over an hour.</exception>
    public TimeSpan NegativeTtl
    {
        get => _negativeTtl;
        set => _negativeTtl = value >= TimeSpan.Zero && value <= TimeSpan.FromHours(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(NegativeTtl), value, "NegativeTtl must be between zero and an hour.");
    }

    /// <summary>The longest time any answer is kept, whatever TTL its records carry.</summary>
    /// <remarks>Defaults to 1 hour.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or over a day.</exception>
    public TimeSpan MaxTtl
    {
        get => _maxTtl;
        set => _maxTtl = value >= TimeSpan.Zero && value <= TimeSpan.FromDays(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxTtl), value, "MaxTtl must be between zero and a day.");
    }

    /// <summary>
    /// How long an answer of the system resolver is kept. The system resolver reports no TTL, so by default its
    /// answers are not cached (as in Node, each lookup asks the system); concurrent lookups of a name still share one.
    /// </summary>
    /// <remarks>Defaults to zero.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or over a day.</exception>
    public TimeSpan SystemTtl
    {
        get => _systemTtl;
        set => _systemTtl = value >= TimeSpan.Zero && value <= TimeSpan.FromDays(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(SystemTtl), value, "SystemTtl must be between zero and a day.");
    }

    /// <summary>The clock behind TTLs (tests pass a fake one).</summary>
    /// <remarks>Defaults to <see cref="TimeProvider.System"/>.</remarks>
    /// <exception cref="ArgumentNullException">Set to <c>null</c>.</exception>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? throw new ArgumentNullException(nameof(TimeProvider));
    }

    /// <summary>Parses <see cref="Servers"/>; throws naming the bad entry.</summary>
    internal IPEndPoint[] ParseServers()
    {
        var servers = new IPEndPoint[Servers.Count];
        for (int i = 0; i < servers.Length; i++)
        {
            string entry = Servers[i] ?? throw new ArgumentException("Servers holds a null entry.", nameof(Servers));
            EndPoint parsed;
            try
            {
                parsed = NetAddress.Parse(entry, 53, nameof(Servers));
            }
            catch (FormatException ex)
            {
                throw new ArgumentException($"Servers: '{entry}' is not IP[:port]: {ex.Message}", nameof(Servers), ex);
            }

            servers[i] = parsed is IPEndPoint { Port: > 0 } ip
                ? ip
                : throw new ArgumentException($"Servers: '{entry}' is not IP[:port] (a server is an IP address, not a host name, with a port of 1..65535).", nameof(Servers));
        }

        return servers;
    }
}
