using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PipeNet.Perf.Server;
using PipeNet.Transport.Tcp;
using PipeNet.Transport.Tls;

namespace PipeNet.Perf.Tls;

/// <summary>
/// <c>PipeNet.Perf tls [--seconds S] [--connections N]</c>: TLS echo throughput and full handshakes per second,
/// PipeNet's TLS middleware against Kestrel's socket transport with <see cref="SslStream"/>, in one process
/// (server and client share the two cores, the same way for both servers). ECDSA P-256 certificate, TLS 1.3,
/// session resumption off on the client so every handshake is a full one.
/// </summary>
internal static class TlsBench
{
    private const int ChunkSize = 16 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        double seconds = 3;
        int connections = 4;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--seconds":
                    seconds = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--connections":
                    connections = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}' for 'tls'");
            }
        }

        using X509Certificate2 certificate = CreateCertificate();
        TimeSpan duration = TimeSpan.FromSeconds(seconds);
        Console.WriteLine($"TLS echo, {connections} connections, {seconds} s per run, ECDSA P-256, TLS 1.3, same process");
        Console.WriteLine("server   | throughput MB/s (16 KiB echo) | allocated B per echoed 16 KiB (both sides) | full handshakes/s");
        foreach (string kind in new[] { "kestrel", "pipenet", "kestrel", "pipenet", "kestrel", "pipenet", "kestrel", "pipenet" })
        {
            await using IAsyncDisposable server = kind == "pipenet" ? await PipeNetTls.StartAsync(certificate) : await KestrelTls.StartAsync(certificate);
            IPEndPoint endPoint = ((IHasEndPoint)server).EndPoint;
            await ThroughputAsync(endPoint, connections, TimeSpan.FromSeconds(0.5)); // warm-up
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            double megabytes = await ThroughputAsync(endPoint, connections, duration);
            double perMessage = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (megabytes * 1e6 / ChunkSize);
            await HandshakesAsync(endPoint, connections, TimeSpan.FromSeconds(0.5));
            double handshakes = await HandshakesAsync(endPoint, connections, duration);
            Console.WriteLine($"{kind,-8} | {megabytes / seconds,29:F1} | {perMessage,42:F0} | {handshakes / seconds,17:F0}");
        }

        Console.WriteLine("server   | managed heap per idle TLS connection (server + client side, after one echo)");
        foreach (string kind in new[] { "kestrel", "pipenet" })
        {
            await using IAsyncDisposable server = kind == "pipenet" ? await PipeNetTls.StartAsync(certificate) : await KestrelTls.StartAsync(certificate);
            double perConnection = await IdleBytesPerConnectionAsync(((IHasEndPoint)server).EndPoint, 500);
            Console.WriteLine($"{kind,-8} | {perConnection / 1024,8:F1} KB");
        }

        return 0;
    }

    private static X509Certificate2 CreateCertificate()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static SslClientAuthenticationOptions ClientOptions() => new()
    {
        TargetHost = "localhost",
        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        AllowTlsResume = false,
        EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls13,
    };

    private static async Task<SslStream> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
        await ssl.AuthenticateAsClientAsync(ClientOptions());
        return ssl;
    }

    /// <summary>Managed heap growth per connection with <paramref name="count"/> idle TLS connections open.</summary>
    private static async Task<double> IdleBytesPerConnectionAsync(IPEndPoint endPoint, int count)
    {
        var clients = new List<SslStream>();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        byte[] one = [1];
        for (int i = 0; i < count; i++)
        {
            SslStream ssl = await ConnectAsync(endPoint);
            await ssl.WriteAsync(one);
            _ = await ssl.ReadAsync(one);
            clients.Add(ssl);
        }

        await Task.Delay(200); // let the servers go back to waiting
        long after = GC.GetTotalMemory(forceFullCollection: true);
        foreach (SslStream ssl in clients)
        {
            await ssl.DisposeAsync();
        }

        return (after - before) / (double)count;
    }

    /// <summary>Megabytes echoed (sent and received back) by all connections in <paramref name="duration"/>.</summary>
    private static async Task<double> ThroughputAsync(IPEndPoint endPoint, int connections, TimeSpan duration)
    {
        long bytes = 0;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            await using SslStream ssl = await ConnectAsync(endPoint);
            byte[] chunk = new byte[ChunkSize];
            byte[] back = new byte[ChunkSize];
            while (stop.Elapsed < duration)
            {
                await ssl.WriteAsync(chunk);
                int received = 0;
                while (received < ChunkSize)
                {
                    int n = await ssl.ReadAsync(back.AsMemory(received));
                    if (n == 0)
                    {
                        throw new EndOfStreamException("The server closed mid-echo.");
                    }

                    received += n;
                }

                Interlocked.Add(ref bytes, ChunkSize);
            }
        }));
        return bytes / 1e6;
    }

    /// <summary>Connect, full handshake, one echoed byte, close; as many as the connections manage in <paramref name="duration"/>.</summary>
    private static async Task<long> HandshakesAsync(IPEndPoint endPoint, int connections, TimeSpan duration)
    {
        long count = 0;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            byte[] one = [42];
            while (stop.Elapsed < duration)
            {
                await using SslStream ssl = await ConnectAsync(endPoint);
                await ssl.WriteAsync(one);
                if (await ssl.ReadAsync(one) != 1)
                {
                    throw new EndOfStreamException("The server closed before echoing.");
                }

                Interlocked.Increment(ref count);
            }
        }));
        return count;
    }

    private interface IHasEndPoint
    {
        IPEndPoint EndPoint { get; }
    }

    /// <summary>PipeNet: dispatcher + TCP transport + TLS middleware + the harness's pipe echo.</summary>
    private sealed class PipeNetTls : IAsyncDisposable, IHasEndPoint
    {
        private readonly ConnectionDispatcher _dispatcher;

        private PipeNetTls(ConnectionDispatcher dispatcher, IPEndPoint endPoint)
        {
            _dispatcher = dispatcher;
            EndPoint = endPoint;
        }

        public IPEndPoint EndPoint { get; }

        public static async Task<PipeNetTls> StartAsync(X509Certificate2 certificate)
        {
            var counters = new EchoCounters();
            ConnectionDelegate app = ConnectionPipeline.CreateBuilder()
                .UseTls(new TlsServerOptions { ServerCertificate = TlsCertificate.FromCertificate(certificate) })
                .Run(connection => PipeEcho.RunAsync(connection.Transport, counters))
                .Build();
            var dispatcher = new ConnectionDispatcher(app);
            var endPoint = (IPEndPoint)await dispatcher.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), new TcpListenerFactory());
            return new PipeNetTls(dispatcher, endPoint);
        }

        public async ValueTask DisposeAsync() => await _dispatcher.StopAsync(TimeSpan.FromSeconds(2));
    }

    /// <summary>Kestrel's socket transport, an SslStream over each connection's pipe, and an echo loop on the SslStream.</summary>
    private sealed class KestrelTls : IAsyncDisposable, IHasEndPoint
    {
        private readonly IConnectionListener _listener;
        private readonly Task _acceptLoop;
        private readonly SslServerAuthenticationOptions _options;

        private KestrelTls(IConnectionListener listener, X509Certificate2 certificate)
        {
            _listener = listener;
            _options = new SslServerAuthenticationOptions { ServerCertificateContext = SslStreamCertificateContext.Create(certificate, null) };
            _acceptLoop = AcceptLoopAsync();
        }

        public IPEndPoint EndPoint => (IPEndPoint)_listener.EndPoint;

        public static async Task<KestrelTls> StartAsync(X509Certificate2 certificate)
        {
            var factory = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance);
            return new KestrelTls(await factory.BindAsync(new IPEndPoint(IPAddress.Loopback, 0)), certificate);
        }

        public async ValueTask DisposeAsync()
        {
            await _listener.UnbindAsync();
            await _acceptLoop;
            await _listener.DisposeAsync();
        }

        private async Task AcceptLoopAsync()
        {
            while (await _listener.AcceptAsync() is { } connection)
            {
                _ = ServeAsync(connection);
            }
        }

        private async Task ServeAsync(ConnectionContext connection)
        {
            try
            {
                await using var ssl = new SslStream(new PipeStream(connection.Transport));
                await ssl.AuthenticateAsServerAsync(_options);
                byte[] buffer = new byte[ChunkSize];
                while (true)
                {
                    int n = await ssl.ReadAsync(buffer);
                    if (n == 0)
                    {
                        break;
                    }

                    await ssl.WriteAsync(buffer.AsMemory(0, n));
                }
            }
            catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or System.Security.Authentication.AuthenticationException)
            {
                // A client that closes without close_notify ends its connection this way.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>A connection's pipe as a stream, the way Kestrel's HTTPS middleware feeds SslStream.</summary>
    private sealed class PipeStream(IDuplexPipe pipe) : Stream
    {
        private readonly Stream _input = pipe.Input.AsStream();
        private readonly Stream _output = pipe.Output.AsStream();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _input.ReadAsync(buffer, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _output.WriteAsync(buffer, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

        public override void Write(byte[] buffer, int offset, int count) => _output.Write(buffer, offset, count);

        public override void Flush() => _output.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
