using System.Net.Sockets;

namespace PipeNet;

/// <summary>
/// Every failure PipeNet reports: a socket error, a refused policy, a timeout. <see cref="Code"/> is a
/// stable string (<see cref="NetErrorCode"/>) a caller can switch on.
/// </summary>
public class NetException : IOException
{
    /// <summary>Creates an exception with a code and a message.</summary>
    /// <param name="code">The stable code, for example <see cref="NetErrorCode.ConnectionReset"/>.</param>
    /// <param name="message">What happened, for a person.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    /// <exception cref="ArgumentException"><paramref name="code"/> is null or empty.</exception>
    public NetException(string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        Code = code;
    }

    /// <summary>The stable error code, for example <c>ECONNREFUSED</c>.</summary>
    public string Code { get; }

    /// <summary>The socket error behind this exception, when there is one.</summary>
    public SocketError? SocketError => InnerException is SocketException se ? se.SocketErrorCode : null;

    /// <summary>
    /// Wraps a <see cref="SocketException"/> in a <see cref="NetException"/> with its translated code.
    /// </summary>
    /// <param name="exception">The socket exception.</param>
    /// <param name="context">What PipeNet was doing, prefixed to the message (for example <c>connect 127.0.0.1:80</c>).</param>
    /// <returns>The translated exception.</returns>
    public static NetException FromSocketException(SocketException exception, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string code = NetErrorCode.FromSocketError(exception.SocketErrorCode, exception.NativeErrorCode);
        string message = context is null ? $"{code}: {exception.Message}" : $"{context}: {code}: {exception.Message}";
        return new NetException(code, message, exception);
    }

    /// <summary>Returns <paramref name="exception"/>'s stable code, translating socket errors; <c>null</c> when it has none.</summary>
    /// <param name="exception">Any exception.</param>
    /// <returns>The code, or <c>null</c>.</returns>
    public static string? GetCode(Exception? exception) => exception switch
    {
        NetException ne => ne.Code,
        SocketException se => NetErrorCode.FromSocketError(se.SocketErrorCode, se.NativeErrorCode),
        Microsoft.AspNetCore.Connections.AddressInUseException => NetErrorCode.AddressInUse,
        Microsoft.AspNetCore.Connections.ConnectionResetException => NetErrorCode.ConnectionReset,
        { InnerException: { } inner } => GetCode(inner),
        _ => null,
    };
}
