using System.Net.Sockets;

namespace PipeNet;

/// <summary>
/// The stable error codes carried by <see cref="NetException.Code"/>. They follow the POSIX/Node.js
/// names so code ported from rampart or Node can switch on the same strings.
/// </summary>
public static class NetErrorCode
{
    /// <summary>The local address is already bound by another socket.</summary>
    public const string AddressInUse = "EADDRINUSE";
    /// <summary>The requested local address does not belong to this machine.</summary>
    public const string AddressNotAvailable = "EADDRNOTAVAIL";
    /// <summary>Nothing listens at the remote address.</summary>
    public const string ConnectionRefused = "ECONNREFUSED";
    /// <summary>The peer reset the connection (RST).</summary>
    public const string ConnectionReset = "ECONNRESET";
    /// <summary>The connection was aborted locally (for example by the kernel while it sat in the accept queue).</summary>
    public const string ConnectionAborted = "ECONNABORTED";
    /// <summary>An operation did not complete in time (connect timeout, idle timeout).</summary>
    public const string TimedOut = "ETIMEDOUT";
    /// <summary>No route to the remote host.</summary>
    public const string HostUnreachable = "EHOSTUNREACH";
    /// <summary>The remote network is unreachable.</summary>
    public const string NetworkUnreachable = "ENETUNREACH";
    /// <summary>The network is down.</summary>
    public const string NetworkDown = "ENETDOWN";
    /// <summary>Permission denied by the file system or a privileged port.</summary>
    public const string AccessDenied = "EACCES";
    /// <summary>The operation needs a privilege the process lacks (for example raw sockets without CAP_NET_RAW).</summary>
    public const string NotPermitted = "EPERM";
    /// <summary>The process ran out of file descriptors.</summary>
    public const string TooManyOpenFiles = "EMFILE";
    /// <summary>The system ran out of file descriptors.</summary>
    public const string FileTableOverflow = "ENFILE";
    /// <summary>The kernel ran out of socket buffer space.</summary>
    public const string NoBufferSpace = "ENOBUFS";
    /// <summary>Writing to a connection whose sending side is already shut down.</summary>
    public const string BrokenPipe = "EPIPE";
    /// <summary>The socket is not connected.</summary>
    public const string NotConnected = "ENOTCONN";
    /// <summary>A host name did not resolve.</summary>
    public const string NotFound = "ENOTFOUND";
    /// <summary>A DNS server failed to answer (SERVFAIL).</summary>
    public const string ServerFailure = "ESERVFAIL";
    /// <summary>A DNS server refused the query (REFUSED).</summary>
    public const string Refused = "EREFUSED";
    /// <summary>A DNS server rejected the query as malformed (FORMERR).</summary>
    public const string FormatError = "EFORMERR";
    /// <summary>A DNS server does not implement the query (NOTIMP).</summary>
    public const string NotImplemented = "ENOTIMP";
    /// <summary>A DNS response that could not be read: cut short, garbled, or not an answer to the question.</summary>
    public const string BadResponse = "EBADRESP";
    /// <summary>A temporary name resolution failure.</summary>
    public const string TryAgain = "EAI_AGAIN";
    /// <summary>The operation was cancelled.</summary>
    public const string Canceled = "ECANCELED";
    /// <summary>An argument the kernel rejected.</summary>
    public const string InvalidArgument = "EINVAL";
    /// <summary>The address family is not supported on this machine (for example IPv6 disabled).</summary>
    public const string AddressFamilyNotSupported = "EAFNOSUPPORT";
    /// <summary>The protocol is not supported.</summary>
    public const string ProtocolNotSupported = "EPROTONOSUPPORT";
    /// <summary>A datagram was larger than the transport allows, or a framed message larger than its reader's limit.</summary>
    public const string MessageTooLong = "EMSGSIZE";
    /// <summary>A peer broke the wire protocol: a malformed frame, an impossible length field, invalid JSON.</summary>
    public const string ProtocolError = "EPROTO";
    /// <summary>A Unix socket path points at a file that is not a socket, or the path is too long.</summary>
    public const string InvalidPath = "EINVALIDPATH";
    /// <summary>A write after the writing side was ended (Node's code).</summary>
    public const string WriteAfterEnd = "ERR_STREAM_WRITE_AFTER_END";
    /// <summary>An operation on a destroyed socket (Node's code).</summary>
    public const string Destroyed = "ERR_STREAM_DESTROYED";
    /// <summary>Any socket error without a more specific code.</summary>
    public const string SocketError = "ESOCKET";
    /// <summary>The TLS handshake failed (garbage instead of a hello, no common protocol or cipher, a bad record).</summary>
    public const string TlsHandshakeFailed = "TLS_HANDSHAKE_FAILED";
    /// <summary>The server's certificate does not name the host the client asked for.</summary>
    public const string TlsHostnameMismatch = "TLS_HOSTNAME_MISMATCH";
    /// <summary>The peer's certificate does not chain to a trusted root (or none was sent where one is required).</summary>
    public const string TlsUntrusted = "TLS_UNTRUSTED";
    /// <summary>The peer's certificate (or one in its chain) is expired or not yet valid.</summary>
    public const string TlsExpired = "TLS_EXPIRED";
    /// <summary>A client certificate was refused by the server's allow/deny policy.</summary>
    public const string TlsClientRejected = "TLS_CLIENT_REJECTED";
    /// <summary>The peer did not complete the TLS handshake in time.</summary>
    public const string TlsHandshakeTimeout = "TLS_HANDSHAKE_TIMEOUT";
    /// <summary>The peer only speaks a TLS/SSL version that is not allowed (or not supported).</summary>
    public const string TlsProtocolUnsupported = "TLS_PROTOCOL_UNSUPPORTED";
    /// <summary>A certificate, key or CA file could not be used: unreadable, not PEM/PKCS#12, wrong passphrase, key and certificate mismatch.</summary>
    public const string TlsCertificateInvalid = "TLS_CERTIFICATE_INVALID";

    // Linux errno that SocketError folds into AccessDenied. (EMFILE and ENFILE cannot be told apart:
    // .NET maps both to TooManyOpenSockets and reports ENFILE back as the native code for either, so
    // TooManyOpenSockets is always EMFILE, the per-process limit a server actually meets.)
    private const int LinuxEPERM = 1;

    /// <summary>
    /// Translates a socket error into its stable code. This is the one place where PipeNet maps
    /// <see cref="System.Net.Sockets.SocketError"/> values; every transport goes through it.
    /// </summary>
    /// <param name="error">The socket error.</param>
    /// <param name="nativeErrorCode">The platform's own error number, when known (on Linux the errno), used to tell apart codes that <paramref name="error"/> folds together.</param>
    /// <returns>The code, for example <c>ECONNRESET</c>.</returns>
    public static string FromSocketError(SocketError error, int nativeErrorCode = 0) => error switch
    {
        System.Net.Sockets.SocketError.AddressAlreadyInUse => AddressInUse,
        System.Net.Sockets.SocketError.AddressNotAvailable => AddressNotAvailable,
        System.Net.Sockets.SocketError.ConnectionRefused => ConnectionRefused,
        System.Net.Sockets.SocketError.ConnectionReset => ConnectionReset,
        System.Net.Sockets.SocketError.ConnectionAborted => ConnectionAborted,
        System.Net.Sockets.SocketError.TimedOut => TimedOut,
        System.Net.Sockets.SocketError.HostUnreachable => HostUnreachable,
        System.Net.Sockets.SocketError.NetworkUnreachable => NetworkUnreachable,
        System.Net.Sockets.SocketError.NetworkDown => NetworkDown,
        System.Net.Sockets.SocketError.AccessDenied when OperatingSystem.IsLinux() && nativeErrorCode == LinuxEPERM => NotPermitted,
        System.Net.Sockets.SocketError.AccessDenied => AccessDenied,
        System.Net.Sockets.SocketError.TooManyOpenSockets => TooManyOpenFiles,
        System.Net.Sockets.SocketError.NoBufferSpaceAvailable => NoBufferSpace,
        System.Net.Sockets.SocketError.Shutdown => BrokenPipe,
        System.Net.Sockets.SocketError.NotConnected => NotConnected,
        System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData => NotFound,
        System.Net.Sockets.SocketError.TryAgain => TryAgain,
        System.Net.Sockets.SocketError.OperationAborted => Canceled,
        System.Net.Sockets.SocketError.InvalidArgument => InvalidArgument,
        System.Net.Sockets.SocketError.AddressFamilyNotSupported => AddressFamilyNotSupported,
        System.Net.Sockets.SocketError.ProtocolNotSupported => ProtocolNotSupported,
        System.Net.Sockets.SocketError.MessageSize => MessageTooLong,
        _ => SocketError,
    };
}
