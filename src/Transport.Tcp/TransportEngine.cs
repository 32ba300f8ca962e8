namespace PipeNet.Transport.Tcp;

/// <summary>Which I/O engine carries the connections a listener accepts.</summary>
public enum TransportEngine
{
    /// <summary><see cref="Epoll"/> where it runs (Linux, 64-bit), <see cref="Sockets"/> elsewhere.</summary>
    Auto,

    /// <summary>The portable engine: <c>System.Net.Sockets</c> asynchronous operations, on every platform.</summary>
    Sockets,

    /// <summary>
    /// The Linux-native engine: edge-triggered epoll loops driven through libc, one per I/O loop, that
    /// receive, run the application and send on the loop's own thread (no thread hop per message) with
    /// non-blocking syscalls and gathered writes. Connections made by <see cref="TcpConnector"/> always use
    /// <see cref="Sockets"/>: .NET's <c>ConnectAsync</c> has already registered them with its own engine.
    /// </summary>
    Epoll,
}
