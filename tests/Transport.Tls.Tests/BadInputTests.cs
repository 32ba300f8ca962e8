using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Time.Testing;

namespace PipeNet.Transport.Tls.Tests;

/// <summary>Peers that do not speak TLS properly: each gets a clear error for its connection only, and the server keeps serving.</summary>
public sealed class BadInputTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private TlsServerOptions ServerOptions() => new() { ServerCertificate = TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.ServerKeyFile) };

    private async Task AssertStillServesAsync(TlsHarness server)
    {
        await using ConnectionContext client = await server.ConnectAsync(new TlsClientOptions { CaFile = certificates.RootCaFile }, "localhost");
        await client.WriteTextAsync("still here");
        Assert.Equal("still here", await client.ReadTextAsync(10));
    }

    [Fact]
    public async Task GarbageInsteadOfAClientHelloFailsWithTheBytesAttached()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        using Socket raw = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        byte[] garbage = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        await raw.SendAsync(garbage);

        TlsException error = await server.NextErrorAsync();

        Assert.Equal(NetErrorCode.TlsHandshakeFailed, error.Code);
        Assert.Equal(garbage, error.InitialBytes.ToArray());
        await AssertClosedAsync(raw);
        await AssertStillServesAsync(server);
    }

    [Fact]
    public async Task AHalfClientHelloThenSilenceTimesOutOnTheServersClock()
    {
        var clock = new FakeTimeProvider();
        TlsServerOptions options = ServerOptions();
        options.TimeProvider = clock;
        await using TlsHarness server = await TlsHarness.StartAsync(options);
        byte[] hello = await CaptureClientHelloAsync();
        using Socket raw = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await raw.SendAsync(hello.AsMemory(0, hello.Length / 2));
        await Until.TrueAsync(() => server.Dispatcher.ConnectionCount == 1, "the connection was admitted");

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(server.TryGetError(out _));

        TimeSpan advanced = TimeSpan.FromSeconds(9);
        TlsException? error = null;
        await Until.TrueAsync(() =>
        {
            if (server.TryGetError(out error))
            {
                return true;
            }

            clock.Advance(TimeSpan.FromMilliseconds(500));
            advanced += TimeSpan.FromMilliseconds(500);
            return false;
        }, "the handshake timed out");

        Assert.Equal(NetErrorCode.TlsHandshakeTimeout, error!.Code);
        Assert.True(advanced >= TimeSpan.FromSeconds(10), $"timed out after {advanced}");
        await AssertClosedAsync(raw);
        await Until.TrueAsync(() => server.Dispatcher.ConnectionCount == 0, "the timed-out connection released its slot");
        await AssertStillServesAsync(server);
    }

    [Fact]
    public async Task ManySilentPeersAllTimeOutAndReleaseEverySlot()
    {
        var clock = new FakeTimeProvider();
        TlsServerOptions options = ServerOptions();
        options.TimeProvider = clock;
        options.HandshakeTimeout = TimeSpan.FromSeconds(2);
        await using TlsHarness server = await TlsHarness.StartAsync(options);
        var silent = new List<Socket>();
        for (int i = 0; i < 100; i++)
        {
            silent.Add(await SocketTestExtensions.ConnectAsync(server.EndPoint));
        }

        await Until.TrueAsync(() => server.Dispatcher.ConnectionCount == 100, "every silent peer was admitted");
        int timedOut = 0;
        await Until.TrueAsync(() =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(500));
            while (server.TryGetError(out TlsException? error))
            {
                Assert.Equal(NetErrorCode.TlsHandshakeTimeout, error!.Code);
                timedOut++;
            }

            return timedOut == 100;
        }, "every silent peer timed out");

        await Until.TrueAsync(() => server.Dispatcher.ConnectionCount == 0, "every slot was released");
        foreach (Socket socket in silent)
        {
            await AssertClosedAsync(socket);
            socket.Dispose();
        }

        await AssertStillServesAsync(server);
    }

    [Fact]
    public async Task AResetMidHandshakeFailsThatConnectionOnly()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        byte[] hello = await CaptureClientHelloAsync();
        Socket raw = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await raw.SendAsync(hello.AsMemory(0, hello.Length / 2));
        raw.LingerState = new LingerOption(true, 0);
        raw.Dispose(); // RST

        TlsException error = await server.NextErrorAsync();

        Assert.Equal(NetErrorCode.TlsHandshakeFailed, error.Code);
        await Until.TrueAsync(() => server.Dispatcher.ConnectionCount == 0, "the reset connection released its slot");
        await AssertStillServesAsync(server);
    }

    [Fact]
    public async Task AClientThatStopsReadingThenResetsFailsThatConnectionOnly()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        var raw = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        raw.ReceiveBufferSize = 16 * 1024;
        var tls = new SslStream(new NetworkStream(raw, ownsSocket: false), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost").WaitAsync(TimeSpan.FromSeconds(10));

        // Send a flood and never read the echo: the server's writes back must stall (bounded), not grow,
        // and the sender stalls too once both directions' buffers are full.
        byte[] chunk = new byte[16 * 1024];
        Task flood = Task.Run(async () =>
        {
            try
            {
                for (int i = 0; i < 4096; i++)
                {
                    await tls.WriteAsync(chunk);
                }
            }
            catch (IOException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        });
        await Until.TrueAsync(() => server.Dispatcher.ConnectionCount == 1, "the flooding client was accepted");
        Assert.False(await Task.WhenAny(flood, Task.Delay(500)) == flood, "64 MiB went through a peer that reads nothing");

        raw.LingerState = new LingerOption(true, 0);
        raw.Dispose(); // RST while both sides are blocked on full buffers
        await flood.WithTimeout();

        await Until.TrueAsync(() => server.Dispatcher.ConnectionCount == 0, "the reset connection released its slot");
        await AssertStillServesAsync(server);
        await tls.DisposeAsync();
    }

    [Fact]
    public async Task ManyGarbageClientsAtOnceDoNotDisturbARealOne()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        var sockets = new List<Socket>();
        for (int i = 0; i < 20; i++)
        {
            Socket raw = await SocketTestExtensions.ConnectAsync(server.EndPoint);
            await raw.SendAsync(new byte[] { 0x16, 0x03, 0x01, 0xFF, 0xFF, 1, 2, 3 }); // a record header announcing 64 KiB, then junk
            sockets.Add(raw);
        }

        await AssertStillServesAsync(server);
        foreach (Socket socket in sockets)
        {
            socket.Dispose();
        }

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(NetErrorCode.TlsHandshakeFailed, (await server.NextErrorAsync()).Code);
        }
    }

    [Fact]
    public async Task PlaintextFallbackServesTlsAndPlaintextOnOnePort()
    {
        TlsServerOptions options = ServerOptions();
        options.AllowPlaintextFallback = true;
        var seen = new List<bool>();
        await using TlsHarness server = await TlsHarness.StartAsync(options, connection =>
        {
            lock (seen)
            {
                seen.Add(connection.Features.Get<IConnectionTlsFeature>() is not null);
            }

            return EchoApplication.RunAsync(connection);
        });

        using (Socket plain = await SocketTestExtensions.ConnectAsync(server.EndPoint))
        {
            await plain.SendAsync("p"u8.ToArray());
            Assert.Equal("p"u8.ToArray(), await plain.ReceiveExactlyAsync(1));
            await plain.SendAsync("lain text"u8.ToArray());
            Assert.Equal("lain text"u8.ToArray(), await plain.ReceiveExactlyAsync(9));
        }

        await AssertStillServesAsync(server);
        lock (seen)
        {
            Assert.Equal([false, true], seen);
        }

        Assert.False(server.TryGetError(out _));
    }

    private static async Task AssertClosedAsync(Socket socket)
    {
        try
        {
            Assert.Equal(0, await socket.ReceiveToEndAsync());
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // A reset is a close too: the server aborted a connection that never finished its handshake.
        }
    }

    /// <summary>A real ClientHello, as .NET's SslStream writes it.</summary>
    private static async Task<byte[]> CaptureClientHelloAsync()
    {
        var capture = new CaptureStream();
        using var ssl = new SslStream(capture);
        using var cancel = new CancellationTokenSource();
        Task handshake = ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, cancel.Token);
        byte[] hello = await capture.FirstWrite.WithTimeout();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        return hello;
    }

    private sealed class CaptureStream : Stream
    {
        private readonly TaskCompletionSource<byte[]> _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<byte[]> FirstWrite => _firstWrite.Task;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _firstWrite.TrySetResult(buffer.ToArray());
            return ValueTask.CompletedTask;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _firstWrite.TrySetResult(buffer.AsSpan(offset, count).ToArray());

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
