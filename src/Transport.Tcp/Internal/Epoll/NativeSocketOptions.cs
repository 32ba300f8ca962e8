using System.Net.Sockets;
using System.Runtime.InteropServices;
using static PipeNet.Transport.Tcp.Internal.Epoll.LinuxInterop;

namespace PipeNet.Transport.Tcp.Internal.Epoll;

/// <summary>TCP_NODELAY and keep-alive on a bare descriptor, with the errors <see cref="SocketKeepAlive"/> reports.</summary>
internal static class NativeSocketOptions
{
    public static bool GetNoDelay(SafeHandle socket)
    {
        Check(GetOption(socket, IpProtoTcp, TcpNoDelay, out int value), "get no-delay");
        return value != 0;
    }

    public static void SetNoDelay(SafeHandle socket, bool noDelay) =>
        Check(SetOption(socket, IpProtoTcp, TcpNoDelay, noDelay ? 1 : 0), "set no-delay");

    public static KeepAliveSettings GetKeepAlive(SafeHandle socket)
    {
        const string Operation = "get keep-alive";
        Check(GetOption(socket, SolSocket, SoKeepAlive, out int enabled), Operation);
        Check(GetOption(socket, IpProtoTcp, TcpKeepIdle, out int idle), Operation);
        Check(GetOption(socket, IpProtoTcp, TcpKeepInterval, out int interval), Operation);
        Check(GetOption(socket, IpProtoTcp, TcpKeepCount, out int count), Operation);
        return new KeepAliveSettings(enabled != 0, TimeSpan.FromSeconds(idle), TimeSpan.FromSeconds(interval), count);
    }

    public static void SetKeepAlive(SafeHandle socket, KeepAliveSettings settings)
    {
        const string Operation = "set keep-alive";
        Check(SetOption(socket, SolSocket, SoKeepAlive, settings.Enabled ? 1 : 0), Operation);
        if (settings.Enabled)
        {
            Check(SetOption(socket, IpProtoTcp, TcpKeepIdle, (int)settings.IdleTime.TotalSeconds), Operation);
            Check(SetOption(socket, IpProtoTcp, TcpKeepInterval, (int)settings.Interval.TotalSeconds), Operation);
            Check(SetOption(socket, IpProtoTcp, TcpKeepCount, settings.ProbeCount), Operation);
        }
    }

    private static void Check(SocketError status, string operation)
    {
        if (status != SocketError.Success)
        {
            throw NetException.FromSocketException(new SocketException((int)status), operation);
        }
    }
}
