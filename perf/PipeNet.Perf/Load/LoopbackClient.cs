using System.Net;
using System.Net.Sockets;

namespace PipeNet.Perf.Load;

/// <summary>Client sockets of the load generator, optionally from one of the loopback source addresses 127.0.0.2–127.0.0.20.</summary>
internal static class LoopbackClient
{
    private const int SourceAddressCount = 19;

    // IPPROTO_IP = 0, IP_BIND_ADDRESS_NO_PORT = 24 (Linux): bind picks the address now and the port at
    // connect time, per destination, so 19 source addresses give 19 × the ephemeral range.
    private const int IpProtocolIp = 0;
    private const int IpBindAddressNoPort = 24;

    private static readonly byte[] s_one = BitConverter.GetBytes(1);
    private static readonly IPEndPoint[] s_sources = [.. Enumerable.Range(2, SourceAddressCount).Select(i => new IPEndPoint(new IPAddress([127, 0, 0, (byte)i]), 0))];

    public static Socket Create(int sourceIndex)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (sourceIndex >= 0)
        {
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(IpProtocolIp, IpBindAddressNoPort, s_one);
            }

            socket.Bind(s_sources[sourceIndex % SourceAddressCount]);
        }

        return socket;
    }

    public static async Task<Socket> ConnectAsync(IPEndPoint target, int sourceIndex, CancellationToken cancellationToken)
    {
        Socket socket = Create(sourceIndex);
        try
        {
            await socket.ConnectAsync(target, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Receives exactly <paramref name="buffer"/>.Length bytes; false if the peer closed first.</summary>
    public static async ValueTask<bool> ReceiveExactlyAsync(Socket socket, Memory<byte> buffer)
    {
        int received = 0;
        while (received < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer[received..], SocketFlags.None);
            if (n == 0)
            {
                return false;
            }

            received += n;
        }

        return true;
    }
}
