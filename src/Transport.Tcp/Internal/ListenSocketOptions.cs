using System.Net.Sockets;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// SO_REUSEADDR and SO_REUSEPORT set through raw options: .NET's own <c>ReuseAddress</c> option turns on
/// both at once on Unix, which would let a second server silently share a port.
/// </summary>
internal static class ListenSocketOptions
{
    public static void Apply(Socket socket, TcpTransportOptions options)
    {
        if (OperatingSystem.IsWindows())
        {
            socket.ExclusiveAddressUse = !options.ReuseAddress;
            if (options.ReusePort)
            {
                throw new PlatformNotSupportedException("ReusePort needs SO_REUSEPORT, which Windows does not have.");
            }

            return;
        }

        // Linux: SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_REUSEPORT = 15. BSD and macOS: 0xffff, 4, 0x200.
        (int level, int reuseAddress, int reusePort) = OperatingSystem.IsLinux() ? (1, 2, 15) : (0xffff, 4, 0x200);
        socket.SetRawSocketOption(level, reuseAddress, BitConverter.GetBytes(options.ReuseAddress ? 1 : 0));
        if (options.ReusePort)
        {
            socket.SetRawSocketOption(level, reusePort, BitConverter.GetBytes(1));
        }
    }
}
