namespace PipeNet.Transport.Tcp.Internal.Epoll;

/// <summary>
/// The process's epoll loops, started on first use and shared by every listener (as .NET's own socket
/// engine is shared): a transport with <see cref="TcpTransportOptions.IOQueueCount"/> N uses loops 0..N-1.
/// </summary>
internal static class EpollEngine
{
    private static readonly EpollLoop?[] s_loops = new EpollLoop?[1024];
    private static readonly Lock s_lock = new();

    /// <summary>Loop <paramref name="index"/>, started now if it is the first use.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The kernel refused an epoll instance.</exception>
    public static EpollLoop GetLoop(int index)
    {
        if (Volatile.Read(ref s_loops[index]) is { } loop)
        {
            return loop;
        }

        lock (s_lock)
        {
            return s_loops[index] ??= EpollLoop.Start("PipeNet epoll " + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
