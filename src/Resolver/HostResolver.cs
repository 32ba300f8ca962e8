using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PipeNet.Resolver.Internal;

namespace PipeNet.Resolver;

/// <summary>
/// Host name ↔ address resolution, asynchronous and cached: the system resolver, or DNS servers queried
/// directly (<see cref="HostResolverOptions.Servers"/>).
/// </summary>
/// <remarks>
/// <para>Answers are cached for their TTL (direct DNS) or <see cref="HostResolverOptions.SystemTtl"/> (system); a
/// "no such name" answer for <see cref="HostResolverOptions.NegativeTtl"/>. Concurrent lookups of one name share
/// one query. A cached lookup allocates nothing.</para>
/// <para>Failures are <see cref="NetException"/>s: <c>ENOTFOUND</c> (no such name, or no address of the family
/// asked for), <c>ETIMEDOUT</c> (no server answered in time), <c>ESERVFAIL</c>/<c>EREFUSED</c> (a server failed
/// or refused), <c>EBADRESP</c> (an unreadable response). Bad input (an empty name, a name over 253 characters,
/// a label over 63, a character a host name cannot hold, a reverse lookup of something that is not an IP address)
/// is an <see cref="ArgumentException"/> naming the value, thrown before anything is sent.</para>
/// <para>Order: the system resolver's answers keep getaddrinfo's order (RFC 6724, which knows the machine's routes);
/// direct DNS lists IPv6 addresses before IPv4 (RFC 6724's default policy), each family in the server's order.
/// Happy Eyeballs then interleaves them when connecting. Direct DNS does not read <c>/etc/hosts</c>.</para>
/// <para>Instances are thread-safe; share one.</para>
/// </remarks>
public sealed class HostResolver
{
    private static readonly Lazy<HostResolver> s_default = new(() => new HostResolver());
    private static readonly Func<HostKey, HostResolver, ValueTask<Answer<HostInfo>>> s_resolve =
        static (key, self) => self.QueryAsync(key);
    private static readonly Func<IPAddress, HostResolver, ValueTask<Answer<string>>> s_reverse =
        static (address, self) => self.QueryReverseAsync(address);

    private readonly IResolverBackend _backend;
    private readonly string _backendName;
    private readonly ILogger _logger;
    private readonly ResolverCache<HostKey, HostInfo> _forward;
    private readonly ResolverCache<IPAddress, string> _reverse;

    /// <summary>Creates a resolver.</summary>
    /// <param name="options">Back end, cache and retry settings; the defaults (the system resolver) when <c>null</c>. They are read once, here.</param>
    /// <param name="loggerFactory">Where log messages go (category <c>PipeNet.Resolver</c>); none when <c>null</c>.</param>
    /// <exception cref="ArgumentException">A <see cref="HostResolverOptions.Servers"/> entry is not <c>IP[:port]</c>.</exception>
    public HostResolver(HostResolverOptions? options = null, ILoggerFactory? loggerFactory = null)
        : this(options ?? new HostResolverOptions(), backend: null, loggerFactory)
    {
    }

    internal HostResolver(HostResolverOptions options, IResolverBackend? backend, ILoggerFactory? loggerFactory = null)
    {
        IPEndPoint[] servers = options.ParseServers();
        Servers = servers;
        _backend = backend ?? (servers.Length == 0 ? new SystemResolverBackend(options.SystemTtl) : new DnsResolverBackend(servers, options));
        _backendName = servers.Length == 0 ? "system" : "DNS";
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("PipeNet.Resolver");
        _forward = new ResolverCache<HostKey, HostInfo>(options.MaxCacheEntries, options.NegativeTtl, options.TimeProvider, HostKey.Comparer);
        _reverse = new ResolverCache<IPAddress, string>(options.MaxCacheEntries, options.NegativeTtl, options.TimeProvider, EqualityComparer<IPAddress>.Default);
    }

    /// <summary>The shared resolver with default options: the system resolver.</summary>
    public static HostResolver Default => s_default.Value;

    /// <summary>The DNS servers queried directly; empty when the system resolver answers.</summary>
    public IReadOnlyList<IPEndPoint> Servers { get; }

    /// <summary>How many answers (forward and reverse) the cache holds now.</summary>
    public int CachedCount => _forward.Count + _reverse.Count;

    /// <summary>
    /// Resolves <paramref name="host"/> to its addresses. A literal IP address resolves to itself without a query.
    /// </summary>
    /// <param name="host">A host name (one trailing dot allowed) or an IP address.</param>
    /// <param name="family"><see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/> for one family only; <see cref="AddressFamily.Unspecified"/> for both.</param>
    /// <param name="cancellationToken">Stops this caller's wait (a query other callers share goes on).</param>
    /// <returns>The addresses; never empty.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="host"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is not a valid host name or IP address.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="family"/> is not one of the three above.</exception>
    /// <exception cref="NetException"><c>ENOTFOUND</c>, <c>ETIMEDOUT</c>, <c>ESERVFAIL</c>, <c>EREFUSED</c>, <c>EBADRESP</c>, …</exception>
    public ValueTask<HostInfo> ResolveAsync(string host, AddressFamily family = AddressFamily.Unspecified, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (family is not (AddressFamily.Unspecified or AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentOutOfRangeException(nameof(family), family, "family must be InterNetwork, InterNetworkV6 or Unspecified.");
        }

        if (host.Length > 0 && (char.IsAsciiDigit(host[0]) || host.Contains(':', StringComparison.Ordinal)) && NetAddress.IsIP(host) != 0
            && IPAddress.TryParse(host, out IPAddress? literal))
        {
            return family == AddressFamily.Unspecified || literal.AddressFamily == family
                ? new ValueTask<HostInfo>(new HostInfo(host, [literal]))
                : ValueTask.FromException<HostInfo>(new NetException(NetErrorCode.NotFound, $"lookup {host}: {NetErrorCode.NotFound}: the address is not {SystemResolverBackend.FamilyText(family).TrimEnd()}."));
        }

        string name = HostNameValidator.Validate(host, nameof(host));
        return _forward.GetAsync(new HostKey(name, family), this, s_resolve, cancellationToken);
    }

    /// <summary>Resolves <paramref name="address"/> to a host name (a PTR lookup, or the system's getnameinfo).</summary>
    /// <param name="address">The address.</param>
    /// <param name="cancellationToken">Stops this caller's wait.</param>
    /// <returns>The host name, without a trailing dot.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not an IPv4 or IPv6 address.</exception>
    /// <exception cref="NetException"><c>ENOTFOUND</c> (no name for it), <c>ETIMEDOUT</c>, …</exception>
    public ValueTask<string> ReverseAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"'{address}' is not an IPv4 or IPv6 address.", nameof(address));
        }

        return _reverse.GetAsync(address, this, s_reverse, cancellationToken);
    }

    /// <summary>Resolves an address given as text to a host name.</summary>
    /// <param name="address">An IPv4 or IPv6 address.</param>
    /// <param name="cancellationToken">Stops this caller's wait.</param>
    /// <returns>The host name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not an IP address (the message quotes it).</exception>
    /// <exception cref="NetException"><c>ENOTFOUND</c>, <c>ETIMEDOUT</c>, …</exception>
    public ValueTask<string> ReverseAsync(string address, CancellationToken cancellationToken = default) =>
        ReverseAsync(HostNameValidator.ParseAddress(address, nameof(address)), cancellationToken);

    /// <summary>Forgets every cached answer.</summary>
    public void ClearCache()
    {
        _forward.Clear();
        _reverse.Clear();
    }

    private async ValueTask<Answer<HostInfo>> QueryAsync(HostKey key)
    {
        try
        {
            Answer<HostInfo> answer = await _backend.ResolveAsync(key.Host, key.Family, CancellationToken.None).ConfigureAwait(false);
            ResolverLog.Resolved(_logger, key.Host, key.Family, _backendName, answer.Value.Addresses.Count, answer.Ttl);
            return answer;
        }
        catch (Exception ex)
        {
            Log(ex);
            ResolverLog.ResolveFailed(_logger, key.Host, key.Family, NetException.GetCode(ex) ?? ex.GetType().Name, ex);
            throw;
        }
    }

    private async ValueTask<Answer<string>> QueryReverseAsync(IPAddress address)
    {
        try
        {
            Answer<string> answer = await _backend.ReverseAsync(address, CancellationToken.None).ConfigureAwait(false);
            ResolverLog.Reversed(_logger, address, _backendName, answer.Value);
            return answer;
        }
        catch (Exception ex)
        {
            Log(ex);
            ResolverLog.ReverseFailed(_logger, address, NetException.GetCode(ex) ?? ex.GetType().Name, ex);
            throw;
        }
    }

    private void Log(Exception ex)
    {
        if (ex is NetException { Code: NetErrorCode.BadResponse } bad)
        {
            ResolverLog.BadResponse(_logger, bad.Message);
        }
    }

    /// <summary>Checks a host name without resolving it.</summary>
    /// <param name="host">The name.</param>
    /// <param name="reason">Why it is invalid, or <c>null</c>.</param>
    /// <returns><c>true</c> when <paramref name="host"/> is a valid host name.</returns>
    public static bool IsValidHostName(string? host, out string? reason)
    {
        reason = host is null ? "it is null" : HostNameValidator.Check(host);
        return reason is null;
    }
}
