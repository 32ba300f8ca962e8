using System.Net.Sockets;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>TCP keep-alive through the portable socket options (SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT).</summary>
internal static class SocketKeepAlive
{
    public static void Set(Socket socket, KeepAliveSettings settings)
    {
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, settings.Enabled);
            if (settings.Enabled)
            {
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)settings.IdleTime.TotalSeconds);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)settings.Interval.TotalSeconds);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, settings.ProbeCount);
            }
        }
        catch (SocketException ex)
        {
            throw NetException.FromSocketException(ex, "set keep-alive");
        }
    }

    public static KeepAliveSettings Get(Socket socket)
    {
        try
        {
            bool enabled = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0;
            int idle = (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!;
            int interval = (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!;
            int count = (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!;
            return new KeepAliveSettings(enabled, TimeSpan.FromSeconds(idle), TimeSpan.FromSeconds(interval), count);
        }
        catch (SocketException ex)
        {
            throw NetException.FromSocketException(ex, "get keep-alive");
        }
    }
}
