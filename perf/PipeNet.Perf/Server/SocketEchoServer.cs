using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace PipeNet.Perf.Server;

/// <summary>
/// The baseline: hand-written <see cref="Socket"/> code, an accept loop and per connection a 4 KiB
/// array, receive then send it back. No pipes, no pools: what the transports' machinery costs. With a certificate,
/// <see cref="SslStream"/> over a <see cref="NetworkStream"/>, as a user would write it.
/// </summary>
internal sealed class SocketEchoServer(EchoCounters counters, X509Certificate2? certificate = null) : IEchoServer
{
    private const int BufferSize = 4096;

    private readonly Socket _listenSocket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private Task _acceptLoop = Task.CompletedTask;

    public Task<IPEndPoint> StartAsync()
    {
        _listenSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listenSocket.Listen(512);
        _acceptLoop = AcceptLoopAsync();
        return Task.FromResult((IPEndPoint)_listenSocket.LocalEndPoint!);
    }

    public async ValueTask DisposeAsync()
    {
        _listenSocket.Dispose();
        await _acceptLoop;
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listenSocket.AcceptAsync();
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException { SocketErrorCode: SocketError.OperationAborted })
            {
                return;
            }

            socket.NoDelay = true; // as both transports do by default
            _ = certificate is null ? ServeAsync(socket) : ServeTlsAsync(socket, certificate);
        }
    }

    private async Task ServeTlsAsync(Socket socket, X509Certificate2 serverCertificate)
    {
        counters.ConnectionOpened();
        try
        {
            await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
            await tls.AuthenticateAsServerAsync(ServerCertificate.ServerOptions(serverCertificate));
            await StreamEcho.RunAsync(tls, counters);
        }
        catch (Exception ex) when (ex is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            // A load generator that stops mid-stream resets its connections; that is the end of this one.
        }
        finally
        {
            socket.Dispose();
            counters.ConnectionClosed();
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        counters.ConnectionOpened();
        byte[] buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                int received = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
                if (received == 0)
                {
                    break;
                }

                // A stream socket's SendAsync completes only when every byte is sent.
                await socket.SendAsync(buffer.AsMemory(0, received), SocketFlags.None);
                counters.Echoed(received);
            }
        }
        catch (SocketException)
        {
            // A reset from the load generator ends the connection; nothing to report.
        }
        finally
        {
            socket.Dispose();
            counters.ConnectionClosed();
        }
    }
}
