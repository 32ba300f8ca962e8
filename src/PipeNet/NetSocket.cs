using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using PipeNet.Internal;

namespace PipeNet;

/// <summary>
/// A TCP or Unix socket with rampart/Node events: <c>lookup</c>, <c>connectionAttempt</c>,
/// <c>connectionAttemptFailed</c>, <c>connectionAttemptTimeout</c>, <c>connect</c>, <c>ready</c>, <c>data</c>,
/// <c>drain</c>, <c>end</c>, <c>timeout</c>, <c>close</c>, <c>error</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Zero copy:</b> <c>data</c> hands handlers the connection's own receive buffers as a
/// <see cref="ReadOnlySequence{T}"/>. It is valid only until the handler returns (or, for an async
/// handler, until its <see cref="ValueTask"/> completes). <b>Keeping it longer needs a copy</b>
/// (<c>data.ToArray()</c>); otherwise the memory is reused for later data.
/// </para>
/// <para>
/// <b>Threading:</b> one socket's events run one at a time, in order, never concurrently; by default on
/// the I/O loop that completed the read, so handlers must not block
/// (<see cref="SocketOptions.DispatchToThreadPool"/> opts out). An async <c>data</c> handler pauses
/// reading until it completes: natural backpressure. Reading also pauses while data written to the peer is
/// held back (<c>Write</c> returned <c>false</c> and <c>drain</c> has not come yet), so a handler that answers
/// every message keeps bounded memory against a peer that sends but does not read.
/// </para>
/// <para><b>Errors:</b> an <c>error</c> with no handler throws, as in rampart. An exception thrown by a
/// handler becomes this socket's <c>error</c> and destroys this socket only.</para>
/// <para><c>close</c> is raised exactly once per socket, always last.</para>
/// <para><b>Messages:</b> <see cref="UseCodec{TMessage}(Codecs.IMessageCodec{TMessage}, Codecs.MessageReaderOptions?)"/>
/// parses the stream into messages (lines, length-prefixed frames, JSON) raised as <c>message</c> events on the
/// returned <see cref="MessageSocket{TMessage}"/>, in place of <c>data</c>.</para>
/// </remarks>
public sealed partial class NetSocket : EventEmitter<NetSocket>
{
    // Handler shapes per event, shared by every socket.
    private static readonly Type[] s_plainShapes = [typeof(Action)];
    private static readonly Type[] s_lookupShapes = [typeof(Action<LookupResult>), typeof(Action)];
    private static readonly Type[] s_dataShapes = [typeof(Action<ReadOnlySequence<byte>>), typeof(Func<ReadOnlySequence<byte>, ValueTask>), typeof(Action<string>), typeof(Action)];
    private static readonly Type[] s_closeShapes = [typeof(Action<bool>), typeof(Action)];
    private static readonly Type[] s_errorShapes = [typeof(Action<Exception>), typeof(Action)];

    // The socket's events, shared by every socket: a socket pays only for the events it has handlers for.
    private static readonly EventSlot s_lookup = DefineEvent("lookup", "Action<LookupResult> or Action", s_lookupShapes);
    private static readonly EventSlot s_connect = DefineEvent("connect", "Action or Action<NetSocket>", s_plainShapes);
    private static readonly EventSlot s_ready = DefineEvent("ready", "Action or Action<NetSocket>", s_plainShapes);
    private static readonly EventSlot s_data = DefineEvent("data", "Action<ReadOnlySequence<byte>>, Func<ReadOnlySequence<byte>, ValueTask>, Action<string> (after SetEncoding) or Action", inline: true, s_dataShapes);
    private static readonly EventSlot s_drain = DefineEvent("drain", "Action or Action<NetSocket>", s_plainShapes);
    private static readonly EventSlot s_end = DefineEvent("end", "Action or Action<NetSocket>", s_plainShapes);
    private static readonly EventSlot s_timeout = DefineEvent("timeout", "Action or Action<NetSocket>", s_plainShapes);
    private static readonly EventSlot s_close = DefineEvent("close", "Action<bool> (hadError) or Action", inline: true, s_closeShapes);
    private static readonly EventSlot s_error = DefineEvent("error", "Action<Exception> or Action", inline: true, s_errorShapes);

    // Every field below is paid by every connection a server holds, idle or not: what only some sockets need lives in
    // SocketExtras, the pipes are read from the connection when used, and the socket is its own lock (its monitor
    // lives in the object header, where a Lock object cost 40 bytes more per socket).
    private SocketOptions _options; // accepted sockets share their server's until one of them changes its own (OwnOptions)
    private ConnectionContext? _connection;
    private SocketExtras? _extras; // see Extras
    private int _flags; // NetSocketFlags; see HasFlag, SetFlag, ClearFlag

    /// <summary>Creates an unconnected socket; call <c>Connect</c>.</summary>
    /// <param name="options">Options, also used by <c>Connect</c>; the defaults when <c>null</c>.</param>
    public NetSocket(SocketOptions? options = null)
    {
        _options = options?.Clone() ?? new SocketOptions();
        _flags = (int)NetSocketFlags.OwnsOptions;
        if (_options.Encoding is { } encoding)
        {
            Extras.Decoder = encoding.GetDecoder();
        }
    }

    /// <summary>An accepted socket; <paramref name="options"/> is shared with the server's other sockets and never changed.</summary>
    internal NetSocket(ConnectionContext connection, SocketOptions options, bool pauseOnConnect)
    {
        _options = options;
        if (options.Encoding is { } encoding)
        {
            Extras.Decoder = encoding.GetDecoder();
        }

        _flags = (int)(pauseOnConnect ? NetSocketFlags.ServerSide | NetSocketFlags.Paused : NetSocketFlags.ServerSide);
        Attach(connection);
    }

    /// <summary>Completes when the socket has closed (after <c>close</c>); faults when an error found no handler.</summary>
    public Task Completion
    {
        get
        {
            // Created when first asked for (a server's sockets seldom are); once the socket has closed, already complete.
            lock (this)
            {
                SocketExtras extras = Extras;
                if (extras.Completion is null)
                {
                    var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (HasFlag(NetSocketFlags.Completed))
                    {
                        Complete(completion, extras.UnhandledError);
                    }

                    extras.Completion = completion;
                }

                return extras.Completion.Task;
            }
        }
    }

    /// <summary>Whether a connect is in progress.</summary>
    public bool Connecting => ReadyState == ReadyState.Opening;

    /// <summary>Whether the socket is connected (open in at least one direction).</summary>
    public bool Connected => ReadyState is ReadyState.Open or ReadyState.ReadOnly or ReadyState.WriteOnly;

    /// <summary>Whether the socket was destroyed or has closed.</summary>
    public bool Destroyed => HasFlag(NetSocketFlags.Destroyed | NetSocketFlags.Closed);

    /// <summary>Whether no connection is established: before <c>Connect</c> completes, and after <c>close</c>.</summary>
    public bool Pending => _connection is null || HasFlag(NetSocketFlags.Closed);

    /// <summary>Where the socket is in its life.</summary>
    public ReadyState ReadyState
    {
        get
        {
            int flags = Volatile.Read(ref _flags);
            if ((flags & (int)(NetSocketFlags.Opening | NetSocketFlags.Open)) == 0 || (flags & (int)NetSocketFlags.Closed) != 0)
            {
                return ReadyState.Closed;
            }

            if ((flags & (int)NetSocketFlags.Opening) != 0)
            {
                return ReadyState.Opening;
            }

            bool readable = (flags & (int)NetSocketFlags.ReadEnded) == 0;
            bool writable = (flags & (int)(NetSocketFlags.Ending | NetSocketFlags.WriteEnded)) == 0;
            return (readable, writable) switch
            {
                (true, true) => ReadyState.Open,
                (true, false) => ReadyState.ReadOnly,
                (false, true) => ReadyState.WriteOnly,
                _ => ReadyState.Closed,
            };
        }
    }

    /// <summary>The inactivity timeout, or <c>null</c>.</summary>
    public TimeSpan? Timeout => _options.Timeout;

    /// <summary>The peer's IP address as text, or <c>null</c> (not connected, or a Unix socket).</summary>
    public string? RemoteAddress => (_connection?.RemoteEndPoint as IPEndPoint)?.Address.ToString();

    /// <summary>The peer's port, or <c>null</c>.</summary>
    public int? RemotePort => (_connection?.RemoteEndPoint as IPEndPoint)?.Port;

    /// <summary><c>IPv4</c> or <c>IPv6</c> (as Node), or <c>null</c>.</summary>
    public string? RemoteFamily => FamilyName(_connection?.RemoteEndPoint);

    /// <summary>Our IP address as text, or <c>null</c>.</summary>
    public string? LocalAddress => (_connection?.LocalEndPoint as IPEndPoint)?.Address.ToString();

    /// <summary>Our port, or <c>null</c>.</summary>
    public int? LocalPort => (_connection?.LocalEndPoint as IPEndPoint)?.Port;

    /// <summary>The peer's endpoint (IP or Unix), or <c>null</c>.</summary>
    public EndPoint? RemoteEndPoint => _connection?.RemoteEndPoint;

    /// <summary>Bytes received from the peer, exactly as many as it sent us so far.</summary>
    public long BytesRead => Bytes?.BytesRead ?? 0;

    /// <summary>Bytes handed to the kernel for the peer; equals what the peer counts once it has read them.</summary>
    public long BytesWritten => Bytes?.BytesWritten ?? 0;

    /// <summary>The addresses the host name resolved to when connecting (rampart's <c>_hostAddrs</c>).</summary>
    public IReadOnlyList<IPAddress> HostAddresses => _extras?.HostAddresses ?? [];

    /// <summary>The connection underneath, once connected: the pipe-level API.</summary>
    public ConnectionContext? Connection => _connection;

    private static string? FamilyName(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetwork } => "IPv4",
        IPEndPoint ip when ip.Address.IsIPv4MappedToIPv6 => "IPv6",
        IPEndPoint => "IPv6",
        UnixDomainSocketEndPoint => "unix",
        _ => null,
    };

    /// <summary>The connection's byte counts (looked up when asked for: few sockets ever ask), or <c>null</c>.</summary>
    private IConnectionBytesFeature? Bytes => _connection?.Features.Get<IConnectionBytesFeature>();

    /// <summary>
    /// The connection's idle clock, or <c>null</c> before it connected: the dispatcher's (a feature of the connection,
    /// looked up when needed rather than held), or the one this socket's own monitor gave it.
    /// </summary>
    private IConnectionIdleTimeoutFeature? IdleClock => _extras?.OwnedClock ?? _connection?.Features.Get<IConnectionIdleTimeoutFeature>();

    /// <summary>The socket's occasional state, created the first time it is needed.</summary>
    private SocketExtras Extras =>
        Volatile.Read(ref _extras) ?? Interlocked.CompareExchange(ref _extras, new SocketExtras(), null) ?? _extras!;

    /// <summary>This socket's own options, copied from the shared ones first if need be: the only way to change them.</summary>
    private SocketOptions OwnOptions()
    {
        lock (this)
        {
            if (!HasFlag(NetSocketFlags.OwnsOptions))
            {
                _options = _options.Clone();
                SetFlag(NetSocketFlags.OwnsOptions);
            }

            return _options;
        }
    }

    /// <summary>Whether any of <paramref name="flags"/> is set.</summary>
    private bool HasFlag(NetSocketFlags flags) => (Volatile.Read(ref _flags) & (int)flags) != 0;

    private void SetFlag(NetSocketFlags flag) => Interlocked.Or(ref _flags, (int)flag);

    private void ClearFlag(NetSocketFlags flag) => Interlocked.And(ref _flags, ~(int)flag);

    private void SetFlag(NetSocketFlags flag, bool value)
    {
        if (value)
        {
            SetFlag(flag);
        }
        else
        {
            ClearFlag(flag);
        }
    }

    /// <summary>Sets <paramref name="flag"/>; <c>true</c> when this call did (it was clear).</summary>
    private bool TrySetFlag(NetSocketFlags flag) => (Interlocked.Or(ref _flags, (int)flag) & (int)flag) == 0;

    private static void Complete(TaskCompletionSource completion, Exception? unhandled)
    {
        if (unhandled is null)
        {
            completion.TrySetResult();
        }
        else
        {
            completion.TrySetException(unhandled);
        }
    }
}
