namespace PipeNet.Transport.Tcp;

/// <summary>Options of the TCP and Unix socket transport (listeners and connectors alike).</summary>
public sealed class TcpTransportOptions
{
    private int _backlog = 511;
    private long? _maxReadBufferSize = 1024 * 1024;
    private long? _maxWriteBufferSize = 64 * 1024;
    private int _ioQueueCount = Math.Min(Environment.ProcessorCount, 16);
    private TransportEngine _engine;

    /// <summary>The listen backlog: connections the kernel queues before they are accepted.</summary>
    /// <remarks>Defaults to 511, as Node and rampart (the kernel caps it at net.core.somaxconn).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public int Backlog
    {
        get => _backlog;
        set => _backlog = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(Backlog), value, "Backlog must be positive.");
    }

    /// <summary>SO_REUSEADDR on listening sockets: rebind a port whose old connections linger in TIME_WAIT.</summary>
    /// <remarks>
    /// Defaults to <c>true</c>. On Unix, .NET's bind always sets SO_REUSEADDR; with <c>false</c> PipeNet
    /// clears it again right after the bind, so it governs later binds against this listener's port.
    /// </remarks>
    public bool ReuseAddress { get; set; } = true;

    /// <summary>
    /// SO_REUSEPORT on listening sockets: several listeners (threads or processes) bind the same port and
    /// the kernel spreads connections among them. Every listener on the port must set it.
    /// </summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool ReusePort { get; set; }

    /// <summary>
    /// Whether a listener on the IPv6 wildcard (<c>::</c>, or the host <c>any</c>) also accepts IPv4
    /// connections (one dual-stack socket).
    /// </summary>
    /// <remarks>Defaults to <c>true</c>.</remarks>
    public bool DualMode { get; set; } = true;

    /// <summary>TCP_NODELAY on every connection: small writes leave at once instead of waiting for Nagle.</summary>
    /// <remarks>Defaults to <c>true</c>.</remarks>
    public bool NoDelay { get; set; } = true;

    /// <summary>
    /// Bytes received but not yet consumed by the application at which the transport stops reading the
    /// socket (reading resumes at half). <c>null</c> means no limit; then a slow application lets a fast
    /// peer fill memory.
    /// </summary>
    /// <remarks>
    /// The epoll engine receives only when the application reads, so what a slow reader leaves in the kernel
    /// never reaches memory at all; this bounds what an application examines without consuming (a parser waiting
    /// for the rest of a message): its reads then wait until it consumes. The portable engine reads ahead into
    /// its pipe up to this size. Defaults to 1 MiB.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public long? MaxReadBufferSize
    {
        get => _maxReadBufferSize;
        set => _maxReadBufferSize = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxReadBufferSize), value, "MaxReadBufferSize must be positive, or null for no limit.");
    }

    /// <summary>
    /// Bytes written by the application but not yet taken by the socket at which the application's
    /// <c>FlushAsync</c> waits (it resumes at half). <c>null</c> means no limit. Below it a flush returns at once
    /// and the transport sends the rest as the socket drains.
    /// </summary>
    /// <remarks>Defaults to 64 KiB.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public long? MaxWriteBufferSize
    {
        get => _maxWriteBufferSize;
        set => _maxWriteBufferSize = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxWriteBufferSize), value, "MaxWriteBufferSize must be positive, or null for no limit.");
    }

    /// <summary>The number of I/O loops socket completions run on; connections are spread round-robin.</summary>
    /// <remarks>Defaults to the processor count, at most 16.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1..1024.</exception>
    public int IOQueueCount
    {
        get => _ioQueueCount;
        set => _ioQueueCount = value is >= 1 and <= 1024 ? value : throw new ArgumentOutOfRangeException(nameof(IOQueueCount), value, "IOQueueCount must be between 1 and 1024.");
    }

    /// <summary>The I/O engine of the connections accepted or opened with these options.</summary>
    /// <remarks>
    /// Defaults to <see cref="TransportEngine.Auto"/>: epoll on Linux, the portable engine elsewhere. Both
    /// engines give connections the same behaviour and features; only the cost per message differs.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">Not a <see cref="TransportEngine"/> value.</exception>
    public TransportEngine Engine
    {
        get => _engine;
        set => _engine = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Engine), value, "Engine must be Auto, Sockets or Epoll.");
    }

    /// <summary>
    /// Wait for the socket to become readable before renting a receive buffer, so idle connections hold
    /// no buffer. Costs one extra non-blocking syscall per read when data is already waiting (portable
    /// engine); the epoll engine rents a buffer only for a receive its edges say will find data, and ignores this.
    /// </summary>
    /// <remarks>Defaults to <c>true</c>.</remarks>
    public bool WaitForDataBeforeAllocatingBuffer { get; set; } = true;

    /// <summary>
    /// Run the application's pipe continuations on the thread pool instead of inline on the I/O loop that
    /// completed the socket operation. Turn it on when handlers block; leave it off for speed.
    /// </summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool DispatchToThreadPool { get; set; }

    /// <summary>
    /// When binding a Unix socket path that already exists: if nothing accepts on it (a stale file left by
    /// a crashed server), delete it and bind. A file that is not a socket, or a live socket, is never
    /// removed. When <c>false</c>, an existing path fails the bind with <c>EADDRINUSE</c>.
    /// </summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool UnlinkStaleUnixSocket { get; set; }
}
