namespace PipeNet;

/// <summary>Options of a <see cref="NetServer"/> and of the sockets it accepts.</summary>
public sealed partial class ServerOptions
{
    private int _backlog = 511;
    private TimeSpan? _timeout;
    private TimeSpan _retryDelay = TimeSpan.FromSeconds(3);
    private int _maxRetries = 3;

    /// <summary>
    /// When a peer ends its side: <c>false</c> ends ours too once pending writes are flushed; <c>true</c>
    /// keeps the socket writable until <see cref="NetSocket.End()"/>.
    /// </summary>
    /// <remarks>Defaults to <c>false</c>, as Node.</remarks>
    public bool AllowHalfOpen { get; set; }

    /// <summary>Accepted sockets start paused: no data is read until <see cref="NetSocket.Resume"/>.</summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool PauseOnConnect { get; set; }

    /// <summary>TCP_NODELAY on accepted sockets.</summary>
    /// <remarks>Defaults to <c>true</c>.</remarks>
    public bool NoDelay { get; set; } = true;

    /// <summary>TCP keep-alive on accepted sockets, with rampart's timings (1 s, 1 s, 10 probes).</summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool KeepAlive { get; set; }

    /// <summary>Idle timeout of accepted sockets (<c>timeout</c> event); <c>null</c> for none.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public TimeSpan? Timeout
    {
        get => _timeout;
        set => _timeout = value is null || value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(Timeout), value, "Timeout must be positive, or null for none.");
    }

    /// <summary>Whether accepted sockets are destroyed right after <c>timeout</c> (rampart) or only notified (Node).</summary>
    /// <remarks>Defaults to <c>false</c> (Node).</remarks>
    public bool CloseOnTimeout { get; set; }

    /// <summary>The listen backlog.</summary>
    /// <remarks>Defaults to 511, as Node and rampart.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public int Backlog
    {
        get => _backlog;
        set => _backlog = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(Backlog), value, "Backlog must be positive.");
    }

    /// <summary>Run handlers on the thread pool instead of inline on the I/O loop; for handlers that block.</summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool DispatchToThreadPool { get; set; }

    /// <summary>
    /// Turns off retrying a <c>Listen</c> that fails with <c>EADDRINUSE</c> (cio's <c>noRelisten</c>): the
    /// <c>error</c> is raised at once.
    /// </summary>
    /// <remarks>Defaults to <c>false</c>: the listen is retried <see cref="MaxRetries"/> times, <see cref="RetryDelay"/> apart.</remarks>
    public bool NoRelisten { get; set; }

    /// <summary>How long a <c>Listen</c> that met <c>EADDRINUSE</c> waits before binding again (cio's <c>retryDelay</c>), on <see cref="TimeProvider"/>.</summary>
    /// <remarks>Defaults to 3 seconds.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public TimeSpan RetryDelay
    {
        get => _retryDelay;
        set => _retryDelay = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(RetryDelay), value, "RetryDelay must not be negative.");
    }

    /// <summary>
    /// How many times a <c>Listen</c> that met <c>EADDRINUSE</c> is retried before its <c>error</c> is raised (cio's
    /// <c>maxRetries</c>). Only <c>EADDRINUSE</c> is retried: any other bind error (<c>EACCES</c>, <c>EADDRNOTAVAIL</c>, …) is raised at once.
    /// </summary>
    /// <remarks>Defaults to 3 (four attempts in all).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int MaxRetries
    {
        get => _maxRetries;
        set => _maxRetries = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxRetries), value, "MaxRetries must not be negative.");
    }

    /// <summary>
    /// Pipe-level middleware (the Core middleware chain) every accepted connection runs through after TLS and before its
    /// <see cref="NetSocket"/> is made; the first added is outermost. A middleware may inspect or replace
    /// <c>connection.Transport</c>, add features, or end the connection without calling the next delegate.
    /// </summary>
    /// <remarks>Defaults to empty.</remarks>
    public IList<Func<Microsoft.AspNetCore.Connections.ConnectionDelegate, Microsoft.AspNetCore.Connections.ConnectionDelegate>> Middleware { get; } = [];

    /// <summary>The clock behind idle timeouts and listen retries; <see cref="System.TimeProvider.System"/> when <c>null</c>.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public TimeProvider? TimeProvider { get; set; }
}
