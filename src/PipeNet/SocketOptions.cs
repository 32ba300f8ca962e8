using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PipeNet;

/// <summary>Options of a <see cref="NetSocket"/> and of <see cref="NetSocket.Connect(SocketOptions, Action?)"/>.</summary>
public sealed partial class SocketOptions
{
    private string _host = "127.0.0.1";
    private int _port;
    private int _family;
    private TimeSpan? _timeout;
    private int _keepAliveInitialDelay = 1;
    private int _keepAliveInterval = 1;
    private int _keepAliveCount = 10;
    private int? _localPort;
    private TimeSpan _autoSelectFamilyAttemptTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>The host name or IP address to connect to.</summary>
    /// <remarks>Defaults to <c>127.0.0.1</c>, as rampart.</remarks>
    /// <exception cref="ArgumentException">Empty.</exception>
    public string Host
    {
        get => _host;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(Host));
            _host = value;
        }
    }

    /// <summary>The port to connect to.</summary>
    /// <remarks>No default: a TCP connect needs one (1..65535).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..65535.</exception>
    public int Port
    {
        get => _port;
        set => _port = value is >= 0 and <= IPEndPoint.MaxPort ? value : throw new ArgumentOutOfRangeException(nameof(Port), value, "Port must be between 0 and 65535.");
    }

    /// <summary>A Unix domain socket path (or <c>@abstract</c> name) to connect to instead of <see cref="Host"/>/<see cref="Port"/>.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public string? Path { get; set; }

    /// <summary>IP family to use when <see cref="Host"/> resolves to both: 0 (any), 4 or 6.</summary>
    /// <remarks>Defaults to 0.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Not 0, 4 or 6.</exception>
    public int Family
    {
        get => _family;
        set => _family = value is 0 or 4 or 6 ? value : throw new ArgumentOutOfRangeException(nameof(Family), value, "Family must be 0, 4 or 6.");
    }

    /// <summary>Inactivity (no bytes either way) after which <c>timeout</c> is raised; <c>null</c> for none.</summary>
    /// <remarks>Defaults to <c>null</c> (forever).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public TimeSpan? Timeout
    {
        get => _timeout;
        set => _timeout = value is null || value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Timeout), value, "Timeout must be positive, or null for none.");
    }

    /// <summary>
    /// Whether the socket is destroyed right after <c>timeout</c> (rampart) or only notified (Node).
    /// </summary>
    /// <remarks>
    /// Defaults to <c>false</c>: Node's behaviour, the tie-breaker between the two, and the safer one —
    /// a handler can still send a goodbye or extend the timeout before closing itself.
    /// </remarks>
    public bool CloseOnTimeout { get; set; }

    /// <summary>Whether TCP keep-alive probes are sent.</summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool KeepAlive { get; set; }

    /// <summary>Seconds of silence before the first keep-alive probe.</summary>
    /// <remarks>Defaults to 1, as rampart.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1..32767.</exception>
    public int KeepAliveInitialDelay
    {
        get => _keepAliveInitialDelay;
        set => _keepAliveInitialDelay = value is >= 1 and <= 32767 ? value : throw new ArgumentOutOfRangeException(nameof(KeepAliveInitialDelay), value, "KeepAliveInitialDelay must be between 1 and 32767 seconds.");
    }

    /// <summary>Seconds between keep-alive probes.</summary>
    /// <remarks>Defaults to 1, as rampart.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1..32767.</exception>
    public int KeepAliveInterval
    {
        get => _keepAliveInterval;
        set => _keepAliveInterval = value is >= 1 and <= 32767 ? value : throw new ArgumentOutOfRangeException(nameof(KeepAliveInterval), value, "KeepAliveInterval must be between 1 and 32767 seconds.");
    }

    /// <summary>Unanswered keep-alive probes before the connection is dropped.</summary>
    /// <remarks>Defaults to 10, as rampart.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1..127.</exception>
    public int KeepAliveCount
    {
        get => _keepAliveCount;
        set => _keepAliveCount = value is >= 1 and <= 127 ? value : throw new ArgumentOutOfRangeException(nameof(KeepAliveCount), value, "KeepAliveCount must be between 1 and 127.");
    }

    /// <summary>Whether Nagle's algorithm is off (TCP_NODELAY).</summary>
    /// <remarks>Defaults to <c>true</c>.</remarks>
    public bool NoDelay { get; set; } = true;

    /// <summary>The local address to bind before connecting; <c>null</c> lets the kernel choose.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public IPAddress? LocalAddress { get; set; }

    /// <summary>The local port to bind before connecting; <c>null</c> lets the kernel choose.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..65535.</exception>
    public int? LocalPort
    {
        get => _localPort;
        set => _localPort = value is null or (>= 0 and <= IPEndPoint.MaxPort) ? value : throw new ArgumentOutOfRangeException(nameof(LocalPort), value, "LocalPort must be between 0 and 65535.");
    }

    /// <summary>
    /// When the peer ends its side: <c>false</c> ends ours too once pending writes are flushed; <c>true</c>
    /// keeps the socket writable until <see cref="NetSocket.End()"/>.
    /// </summary>
    /// <remarks>Defaults to <c>false</c>, as Node.</remarks>
    public bool AllowHalfOpen { get; set; }

    /// <summary>
    /// A custom resolver (Node's <c>lookup</c>): host name and address family (<see cref="AddressFamily.Unspecified"/>
    /// for any) to addresses. <c>null</c> uses <see cref="Resolver"/>.
    /// </summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public Func<string, AddressFamily, CancellationToken, ValueTask<IPAddress[]>>? Lookup { get; set; }

    /// <summary>Text encoding for <c>data</c> events (then delivered as strings); <c>null</c> delivers bytes.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public Encoding? Encoding { get; set; }

    /// <summary>Run event handlers on the thread pool instead of inline on the I/O loop; for handlers that block.</summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool DispatchToThreadPool { get; set; }

    /// <summary>How long a connect may take before it fails with <c>ETIMEDOUT</c>; <c>null</c> for the kernel's limit.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public TimeSpan? ConnectTimeout { get; set; }

    /// <summary>The idle monitor behind <see cref="Timeout"/> for client sockets; <see cref="ConnectionIdleMonitor.Shared"/> when <c>null</c>.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public ConnectionIdleMonitor? IdleMonitor { get; set; }

    /// <summary>
    /// The resolver that turns <see cref="Host"/> into addresses (its cache and back end: the system resolver or
    /// direct DNS). <see cref="Lookup"/>, when set, takes precedence.
    /// </summary>
    /// <remarks>Defaults to <c>null</c>: <see cref="PipeNet.Resolver.HostResolver.Default"/>, the system resolver.</remarks>
    public PipeNet.Resolver.HostResolver? Resolver { get; set; }

    /// <summary>
    /// When <see cref="Host"/> has several addresses, race them as RFC 8305 (Happy Eyeballs v2) says: families
    /// interleaved, a new attempt every <see cref="AutoSelectFamilyAttemptTimeout"/> or as soon as one fails, the first
    /// connection kept and the others cancelled. <c>false</c> tries the addresses one after another. Node's <c>autoSelectFamily</c>.
    /// </summary>
    /// <remarks>Defaults to <c>true</c>, as Node 20 and later.</remarks>
    public bool AutoSelectFamily { get; set; } = true;

    /// <summary>How long an attempt runs alone before the next address is tried beside it (Node's <c>autoSelectFamilyAttemptTimeout</c>).</summary>
    /// <remarks>Defaults to 250 ms.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Under 10 ms or over a minute.</exception>
    public TimeSpan AutoSelectFamilyAttemptTimeout
    {
        get => _autoSelectFamilyAttemptTimeout;
        set => _autoSelectFamilyAttemptTimeout = value >= TimeSpan.FromMilliseconds(10) && value <= TimeSpan.FromMinutes(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(AutoSelectFamilyAttemptTimeout), value, "AutoSelectFamilyAttemptTimeout must be between 10 ms and a minute.");
    }

    internal KeepAliveSettings KeepAliveSettings => KeepAlive
        ? new KeepAliveSettings(true, TimeSpan.FromSeconds(KeepAliveInitialDelay), TimeSpan.FromSeconds(KeepAliveInterval), KeepAliveCount)
        : KeepAliveSettings.Disabled;

    internal SocketOptions Clone() => (SocketOptions)MemberwiseClone();
}
