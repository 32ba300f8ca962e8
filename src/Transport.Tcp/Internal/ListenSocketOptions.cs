using System.Net;
using System.Net.Sockets;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// Binds a listening IP socket with SO_REUSEADDR and SO_REUSEPORT as asked. They are set through raw
/// options because .NET's own <c>ReuseAddress</c> option turns on both at once on Unix, which would let
/// a second server silently share the port.
/// </summary>
internal static class ListenSocketOptions
{
    public static void Bind(Socket socket, IPEndPoint endPoint, TcpTransportOptions options)
    {
        if (OperatingSystem.IsWindows())
        {
            if (options.ReusePort)
            {
                throw new PlatformNotSupportedException("ReusePort needs SO_REUSEPORT, which Windows does not have.");
            }

            socket.ExclusiveAddressUse = !options.ReuseAddress;
            socket.Bind(endPoint);
            return;
        }

        // Linux: SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_REUSEPORT = 15. BSD and macOS: 0xffff, 4, 0x200.
        (int level, int reuseAddress, int reusePort) = OperatingSystem.IsLinux() ? (1, 2, 15) : (0xffff, 4, 0x200);
        if (options.ReusePort)
        {
            socket.SetRawSocketOption(level, reusePort, BitConverter.GetBytes(1));
        }

        socket.Bind(endPoint);

        // .NET's Unix Bind always turns SO_REUSEADDR on. Without ReuseAddress, turn it off again so the
        // listening socket does not let another socket bind its port while connections linger.
        if (!options.ReuseAddress)
        {
            socket.SetRawSocketOption(level, reuseAddress, BitConverter.GetBytes(0));
        }
    }
}
