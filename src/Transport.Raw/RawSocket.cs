using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace PipeNet.Transport.Raw;

/// <summary>
/// A raw IP socket (<c>SOCK_RAW</c>) with rampart/Node-style events: the seed's raw-socket module in C#. It
/// sends and receives whole IP datagrams of one protocol number — ICMP for ping, or any protocol from 0 to 255.
/// </summary>
/// <remarks>
/// <para>
/// <b>Why this is not an <see cref="System.IO.Pipelines.IDuplexPipe"/>.</b> PipeNet's TCP transport hands out
/// pipes because TCP is a byte stream: where one write ends and the next begins means nothing, so bytes can be
/// coalesced into pooled segments and read back in any slicing. Raw sockets carry datagrams: every
/// <c>recvfrom</c> returns exactly one datagram with its own source address, and every send is exactly one
/// datagram to its own destination. A pipe would erase both the boundaries and the addresses, so this transport
/// keeps them: one <c>message</c> event per datagram received, one <see cref="Send(byte[], int, int, IPAddress, Action?, Action{Exception?, int}?)"/> per
/// datagram sent.
/// </para>
/// <para>
/// <b>Events</b> (also reachable by name through <c>On</c>/<c>Once</c>/<c>Off</c>):
/// <c>message</c> — <see cref="Action{T1, T2}"/> of the datagram (<see cref="ReadOnlyMemory{T}"/>) and its source
/// (<see cref="IPAddress"/>). The memory is the receive buffer itself, not a copy: it is valid until the handler
/// returns and is then reused; keep it longer only through an explicit copy (<c>ToArray()</c>). IPv4 datagrams
/// start with the IPv4 header (parse it with <see cref="IPv4Header"/>); IPv6 datagrams start after it.
/// <c>close</c> — raised exactly once, last, after <see cref="Close"/> once nothing is being received or sent.
/// <c>error</c> — <see cref="Action{T}"/> of <see cref="Exception"/> (a <see cref="NetException"/> for socket
/// errors): a failed receive, a datagram larger than <see cref="BufferSize"/> (only reported, never thrown), a send failure with no
/// <c>afterSend</c> callback, or an exception thrown by a <c>message</c> handler. As in rampart and Node, an
/// <c>error</c> with no handler is thrown: from <c>Send</c> when it happened there, and otherwise — on the
/// receive loop, where no caller waits — on the thread pool after the socket is closed, which ends the process
/// like any unhandled exception. Register an <c>error</c> handler.
/// </para>
/// <para>
/// <b>Threading.</b> Datagrams are received on a thread-pool thread and delivered one at a time, in order, never
/// concurrently; handlers must not block. Sends are made synchronously by the thread that calls
/// <c>Send</c>/<c>SendAsync</c>/<see cref="ResumeSend"/>, in queue order: <c>beforeSend</c> and
/// <c>afterSend</c> normally run before <c>Send</c> returns. A raw send does not wait for the peer, only for room
/// in the kernel's send buffer.
/// </para>
/// <para>
/// <b>Privilege.</b> Creating a raw socket needs root or the <c>CAP_NET_RAW</c> capability on Linux (an
/// administrator on Windows); without it <see cref="Create(RawSocketOptions)"/> throws a
/// <see cref="NetException"/> with code <c>EPERM</c>.
/// </para>
/// </remarks>
public sealed partial class RawSocket : EventEmitter<RawSocket>, IDisposable
{
    /// <summary>The <c>message</c> event's name.</summary>
    public const string MessageEvent = "message";

    /// <summary>The <c>close</c> event's name.</summary>
    public const string CloseEvent = "close";

    /// <summary>The <c>error</c> event's name.</summary>
    public const string ErrorEvent = "error";

    private readonly Socket _socket;
    private readonly Lock _stateLock = new();
    private static readonly EventSlot s_message = DefineEvent(MessageEvent, "Action<ReadOnlyMemory<byte>, IPAddress>, Action<ReadOnlyMemory<byte>> or Action",
        typeof(Action<ReadOnlyMemory<byte>, IPAddress>), typeof(Action<ReadOnlyMemory<byte>>), typeof(Action));
    private static readonly EventSlot s_close = DefineEvent(CloseEvent, "Action", typeof(Action));
    private static readonly EventSlot s_error = DefineEvent(ErrorEvent, "Action<Exception> or Action", typeof(Action<Exception>), typeof(Action));

    private readonly string _description;

    // State, guarded by _stateLock. The close event goes out once no handler or callback can run any more:
    // no datagram being delivered, no send queue being drained.
    private bool _closed;
    private bool _closeEmitted;

    private RawSocket(Socket socket, RawSocketOptions options, string description)
    {
        _socket = socket;
        _description = description;
        AddressFamily = options.AddressFamily;
        Protocol = options.Protocol;
        BufferSize = options.BufferSize;
        _generateChecksums = options.GenerateChecksums;
        _checksumOffset = options.ChecksumOffset;
        _receivedAddress = new SocketAddress(socket.AddressFamily);
        _endPointTemplate = new IPEndPoint(socket.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
    }

    /// <summary>The IP version the socket was created for.</summary>
    public RawAddressFamily AddressFamily { get; }

    /// <summary>The IP protocol number the socket was created for.</summary>
    public RawProtocol Protocol { get; }

    /// <summary>The size of the receive buffer; larger datagrams are dropped (see <see cref="OversizedDatagrams"/>).</summary>
    public int BufferSize { get; }

    /// <summary>Whether <see cref="Close"/> was called.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_stateLock)
            {
                return _closed;
            }
        }
    }

    /// <summary>Creates an IPv4 raw socket with the default options (protocol 0, which Linux refuses: prefer the overloads).</summary>
    /// <returns>The socket, already receiving.</returns>
    /// <exception cref="NetException">The socket could not be created: <c>EPERM</c> without privilege, <c>EPROTONOSUPPORT</c> for a protocol the system refuses.</exception>
    public static RawSocket Create() => Create(new RawSocketOptions());

    /// <summary>Creates a raw socket configured by <paramref name="configure"/>.</summary>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The socket, already receiving.</returns>
    /// <exception cref="NetException">The socket could not be created: <c>EPERM</c> without privilege, <c>EPROTONOSUPPORT</c> for a protocol the system refuses.</exception>
    public static RawSocket Create(Action<RawSocketOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new RawSocketOptions();
        configure(options);
        return Create(options);
    }

    /// <summary>
    /// Creates a raw socket (the seed's <c>createSocket</c>). It starts receiving at once: register the
    /// <c>message</c> and <c>error</c> handlers right away, or call <see cref="PauseReceive"/> first.
    /// </summary>
    /// <param name="options">The options; they are copied.</param>
    /// <returns>The socket, already receiving.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <c>null</c>.</exception>
    /// <exception cref="NetException">
    /// The socket could not be created: <c>EPERM</c> when the process lacks root or <c>CAP_NET_RAW</c>,
    /// <c>EPROTONOSUPPORT</c> for a protocol the system refuses (Linux refuses 0), <c>EAFNOSUPPORT</c> when IPv6 is off.
    /// </exception>
    public static RawSocket Create(RawSocketOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        System.Net.Sockets.AddressFamily family = options.AddressFamily == RawAddressFamily.IPv6
            ? System.Net.Sockets.AddressFamily.InterNetworkV6
            : System.Net.Sockets.AddressFamily.InterNetwork;
        string description = $"raw {options.AddressFamily} socket (protocol {(int)options.Protocol})";
        Socket socket = OpenSocket(family, options.Protocol, description);
        var rawSocket = new RawSocket(socket, options, description);
        rawSocket.StartReceiving();
        return rawSocket;
    }

    /// <summary>Registers a <c>message</c> handler: the datagram (valid until the handler returns) and its source address.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public RawSocket OnMessage(Action<ReadOnlyMemory<byte>, IPAddress> handler) => On(MessageEvent, handler);

    /// <summary>Registers a <c>close</c> handler, raised once after <see cref="Close"/>.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public RawSocket OnClose(Action handler) => On(CloseEvent, handler);

    /// <summary>Registers an <c>error</c> handler. Without one, errors are thrown (see the type's remarks).</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public RawSocket OnError(Action<Exception> handler) => On(ErrorEvent, handler);

    /// <summary>
    /// Closes the socket: receiving stops, queued sends fail with <c>ECANCELED</c> (through their
    /// <c>afterSend</c> or task), and <c>close</c> is raised — before this returns, unless a <c>message</c> handler,
    /// an <c>error</c> handler the receive loop raised or a send callback is running, in which case right after it
    /// returns. Calling it again does nothing.
    /// </summary>
    public void Close()
    {
        CancellationTokenSource? receiveCancellation;
        lock (_stateLock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            receiveCancellation = _receiveCancellation;
            _receiveCancellation = null;
        }

        _socket.Dispose();
        receiveCancellation?.Cancel();
        FailQueuedSendsIfIdle();
        TryEmitClose();
    }

    /// <summary>Same as <see cref="Close"/>.</summary>
    public void Dispose() => Close();

    /// <inheritdoc/>
    public override string ToString() => _description;

    private static Socket OpenSocket(System.Net.Sockets.AddressFamily family, RawProtocol protocol, string description)
    {
        if (OperatingSystem.IsLinux())
        {
            Socket? socket = Internal.LinuxRawSocket.TryOpen(family, (int)protocol, out int errno, out string code);
            if (socket is not null)
            {
                return socket;
            }

            string reason = System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno);
            throw Internal.LinuxRawSocket.IsPrivilegeError(errno)
                ? NotPermitted(description, code, reason, null)
                : new NetException(code, $"{description}: {code}: {reason}");
        }

        try
        {
            return new Socket(family, SocketType.Raw, (ProtocolType)(int)protocol);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AccessDenied)
        {
            // macOS gives unprivileged users ICMP through SOCK_DGRAM sockets; the seed falls back to them there.
            if (OperatingSystem.IsMacOS() && protocol is RawProtocol.Icmp or RawProtocol.IcmpV6)
            {
                try
                {
                    return new Socket(family, SocketType.Dgram, (ProtocolType)(int)protocol);
                }
                catch (SocketException)
                {
                    // Report the raw socket's failure below: it names the privilege that is missing.
                }
            }

            // .NET folds EPERM and EACCES into AccessDenied; for socket(SOCK_RAW) either is about privilege.
            throw NotPermitted(description, NetErrorCode.NotPermitted, ex.Message, ex);
        }
        catch (SocketException ex)
        {
            throw NetException.FromSocketException(ex, description);
        }
    }

    private static NetException NotPermitted(string description, string code, string reason, Exception? inner) => new(
        code,
        $"{description}: {code}: opening raw sockets needs root or the CAP_NET_RAW capability (an administrator on " +
        $"Windows), which this process lacks ({reason}). Run it as root or grant the capability to the executable, " +
        "for example: setcap cap_net_raw+ep <program>.",
        inner);

    /// <summary>Raises <c>error</c>; with no handler the error is thrown to the caller, as rampart does.</summary>
    private void RaiseError(Exception error)
    {
        if (!Emit(s_error, error))
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    /// <summary>
    /// Raises <c>error</c> from the receive loop, where no caller waits: an error nobody handles closes the socket
    /// and is rethrown on the thread pool, where it ends the process as an unhandled <c>error</c> ends Node.
    /// </summary>
    private void RaiseErrorFromLoop(Exception error)
    {
        try
        {
            RaiseError(error);
        }
        catch (Exception unhandled)
        {
            Close();
            var captured = ExceptionDispatchInfo.Capture(unhandled);
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Throw(), captured, preferLocal: false);
        }
    }

    private void TryEmitClose()
    {
        lock (_stateLock)
        {
            if (!_closed || _closeEmitted || _receiveBusy || _sending)
            {
                return;
            }

            _closeEmitted = true;
        }

        Emit(s_close);
    }
}
