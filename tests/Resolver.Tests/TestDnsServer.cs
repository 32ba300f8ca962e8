using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PipeNet.Resolver.Tests;

/// <summary>
/// An in-process DNS server on loopback (UDP and TCP on one port) whose every answer a test chooses: garbage,
/// a cut-off datagram, silence, a truncated answer that sends the client to TCP, an error code.
/// </summary>
internal sealed class TestDnsServer : IAsyncDisposable
{
    private readonly Socket _udp;
    private readonly Socket _tcp;
    private readonly Func<byte[], bool, byte[]?> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _udpLoop;
    private readonly Task _tcpLoop;
    private int _udpQueries;
    private int _tcpQueries;

    /// <param name="respond">Query bytes and whether it came over TCP → the response, or <c>null</c> to stay silent.</param>
    public TestDnsServer(Func<byte[], bool, byte[]?> respond)
    {
        _respond = respond;
        for (int attempt = 0; ; attempt++)
        {
            _udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)_udp.LocalEndPoint!).Port;
            _tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                _tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                _tcp.Listen();
                Port = port;
                break;
            }
            catch (SocketException) when (attempt < 20)
            {
                _udp.Dispose();
                _tcp.Dispose();
            }
        }

        _udpLoop = ServeUdpAsync();
        _tcpLoop = ServeTcpAsync();
    }

    public int Port { get; }

    public string Server => $"127.0.0.1:{Port}";

    public int UdpQueries => Volatile.Read(ref _udpQueries);

    public int TcpQueries => Volatile.Read(ref _tcpQueries);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        _tcp.Dispose();
        await Task.WhenAll(_udpLoop, _tcpLoop).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private async Task ServeUdpAsync()
    {
        byte[] buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _udp.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Interlocked.Increment(ref _udpQueries);
            if (_respond(buffer[..received.ReceivedBytes], false) is { } response)
            {
                await _udp.SendToAsync(response, received.RemoteEndPoint);
            }
        }
    }

    private async Task ServeTcpAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _tcp.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeTcpClientAsync(client);
        }
    }

    private async Task ServeTcpClientAsync(Socket client)
    {
        using (client)
        {
            try
            {
                byte[] length = new byte[2];
                await client.ReceiveAsync(length, _stop.Token);
                byte[] query = new byte[BinaryPrimitives.ReadUInt16BigEndian(length)];
                int read = 0;
                while (read < query.Length)
                {
                    int n = await client.ReceiveAsync(query.AsMemory(read), _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    read += n;
                }

                Interlocked.Increment(ref _tcpQueries);
                if (_respond(query, true) is { } response)
                {
                    byte[] framed = new byte[response.Length + 2];
                    BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)response.Length);
                    response.CopyTo(framed, 2);
                    await client.SendAsync(framed);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // The client gave up or the test ended: nothing to answer.
            }
        }
    }
}
