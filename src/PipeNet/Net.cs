namespace PipeNet;

/// <summary>Shortcuts in the style of Node's <c>net</c> module and rampart-net.</summary>
public static partial class Net
{
    /// <summary>cio's builder: makes configured clients and servers and runs plug-ins on them (see <see cref="NetBuilder"/>).</summary>
    /// <returns>A new builder.</returns>
    public static NetBuilder Builder() => new();

    /// <summary>Creates a server (Node's <c>net.createServer</c>).</summary>
    /// <param name="options">Server options; the defaults when <c>null</c>.</param>
    /// <param name="connectionListener">Registered for <c>connection</c>.</param>
    /// <returns>The server, not yet listening.</returns>
    public static NetServer CreateServer(ServerOptions? options = null, Action<NetSocket>? connectionListener = null) =>
        new(options, connectionListener);

    /// <summary>Creates a server with default options.</summary>
    /// <param name="connectionListener">Registered for <c>connection</c>.</param>
    /// <returns>The server, not yet listening.</returns>
    public static NetServer CreateServer(Action<NetSocket> connectionListener) => new(null, connectionListener);

    /// <summary>Creates a server and starts listening (rampart's shortcut).</summary>
    /// <param name="port">The port, 0..65535.</param>
    /// <param name="host">The host; <c>null</c> for every address.</param>
    /// <param name="backlog">The backlog; <c>null</c> for 511.</param>
    /// <param name="connectionListener">Registered for <c>connection</c>.</param>
    /// <returns>The server.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A port outside 0..65535.</exception>
    public static NetServer CreateServer(int port, string? host = null, int? backlog = null, Action<NetSocket>? connectionListener = null) =>
        new NetServer(null, connectionListener).Listen(port, host, backlog);

    /// <summary>
    /// Creates a socket and connects it (Node's <c>net.connect</c>). Only <paramref name="connectListener"/>
    /// is certain to be registered in time; for <c>error</c> and other events use
    /// <c>new NetSocket().OnError(...).Connect(...)</c>, since the outcome may arrive on another thread at once.
    /// </summary>
    /// <param name="port">The port, 1..65535.</param>
    /// <param name="host">The host; 127.0.0.1 when <c>null</c>.</param>
    /// <param name="connectListener">Registered once for <c>connect</c>.</param>
    /// <returns>The connecting socket.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A port outside 1..65535.</exception>
    public static NetSocket Connect(int port, string? host = null, Action? connectListener = null) =>
        new NetSocket().Connect(port, host, connectListener);

    /// <summary>Creates a socket and connects it with <paramref name="options"/>.</summary>
    /// <param name="options">Where to connect and how.</param>
    /// <param name="connectListener">Registered once for <c>connect</c>.</param>
    /// <returns>The connecting socket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <c>null</c>.</exception>
    public static NetSocket Connect(SocketOptions options, Action? connectListener = null) =>
        new NetSocket(options).Connect(options, connectListener);

    /// <summary>Creates a socket and connects it to a Unix domain socket.</summary>
    /// <param name="path">The socket path (<c>@name</c> for an abstract name).</param>
    /// <param name="connectListener">Registered once for <c>connect</c>.</param>
    /// <returns>The connecting socket.</returns>
    public static NetSocket Connect(string path, Action? connectListener = null) =>
        new NetSocket().Connect(path, connectListener);

    /// <inheritdoc cref="Connect(int, string?, Action?)"/>
    public static NetSocket CreateConnection(int port, string? host = null, Action? connectListener = null) => Connect(port, host, connectListener);

    /// <inheritdoc cref="Connect(SocketOptions, Action?)"/>
    public static NetSocket CreateConnection(SocketOptions options, Action? connectListener = null) => Connect(options, connectListener);

    /// <inheritdoc cref="Connect(string, Action?)"/>
    public static NetSocket CreateConnection(string path, Action? connectListener = null) => Connect(path, connectListener);

    /// <summary>4 for an IPv4 address, 6 for IPv6, 0 otherwise (Node's <c>net.isIP</c>).</summary>
    /// <param name="input">The text.</param>
    /// <returns>4, 6 or 0.</returns>
    public static int IsIP(string? input) => NetAddress.IsIP(input);

    /// <summary>Whether <paramref name="input"/> is an IPv4 address in dotted-quad form.</summary>
    /// <param name="input">The text.</param>
    /// <returns><c>true</c> for IPv4.</returns>
    public static bool IsIPv4(string? input) => NetAddress.IsIPv4(input);

    /// <summary>Whether <paramref name="input"/> is an IPv6 address.</summary>
    /// <param name="input">The text.</param>
    /// <returns><c>true</c> for IPv6.</returns>
    public static bool IsIPv6(string? input) => NetAddress.IsIPv6(input);
}
