namespace PipeNet.Transport.Tcp;

/// <summary>Which I/O engine carries the connections a listener accepts or a connector opens.</summary>
public enum TransportEngine
{
    /// <summary><see cref="Epoll"/> where it runs (Linux, 64-bit), <see cref="Sockets"/> elsewhere.</summary>
    Auto,

    /// <summary>The portable engine: <c>System.Net.Sockets</c> asynchronous operations, on every platform.</summary>
    Sockets,

    /// <summary>
    /// The Linux-native engine: edge-triggered epoll loops driven through libc, one per I/O loop, that
    /// receive, run the application and send on the loop's own thread (no thread hop per message) with
    /// non-blocking syscalls and gathered writes. Listeners accept with <c>accept4</c> and connectors
    /// connect without blocking on the same loops; connections are bare descriptors, with no
    /// <c>System.Net.Sockets.Socket</c> object behind them.
    /// </summary>
    Epoll,
}
