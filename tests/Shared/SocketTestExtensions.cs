using System.Net.Sockets;

namespace PipeNet.Tests;

/// <summary>Plain-socket client helpers used as the "other side" in transport tests.</summary>
internal static class SocketTestExtensions
{
    /// <summary>Reads exactly <paramref name="count"/> bytes, failing on early end of stream.</summary>
    public static async Task<byte[]> ReceiveExactlyAsync(this Socket socket, int count)
    {
        byte[] buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read)).AsTask().WithTimeout();
            if (n == 0)
            {
                throw new EndOfStreamException($"The peer closed after {read} of {count} bytes.");
            }

            read += n;
        }

        return buffer;
    }

    /// <summary>Reads until the peer's FIN and returns how many bytes came.</summary>
    public static async Task<long> ReceiveToEndAsync(this Socket socket)
    {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        while (true)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WithTimeout();
            if (n == 0)
            {
                return total;
            }

            total += n;
        }
    }

    public static async Task<Socket> ConnectAsync(System.Net.EndPoint endPoint)
    {
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint).WithTimeout();
        return socket;
    }
}
