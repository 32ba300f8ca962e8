using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PipeNet.Transport.Tls;

namespace PipeNet.Tests;

/// <summary>TLS through the event facade: rampart/cio/sack option names, socket properties, errors as events.</summary>
public sealed class TlsTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private ServerOptions TlsServer() => new() { Tls = true, SslCertFile = certificates.ServerChainFile, SslKeyFile = certificates.ServerKeyFile };

    private static async Task<NetServer> ListenAsync(NetServer server)
    {
        await server.ListenAsync(0, "127.0.0.1").WithTimeout();
        return server;
    }

    private static NetServer EchoServer(ServerOptions options) =>
        Net.CreateServer(options, socket => socket.OnData((ReadOnlySequence<byte> data) => { foreach (ReadOnlyMemory<byte> segment in data) { socket.Write(segment.Span); } }));

    /// <summary>Connects, sends <paramref name="text"/>, and collects what comes back until close.</summary>
    private static Task<(NetSocket Socket, string Received, List<Exception> Errors)> TalkAsync(SocketOptions options, string text) =>
        TalkAsyncWith(new NetSocket(options), options, text);

    [Fact]
    public async Task EchoesOverTlsWithRampartOptionNamesAndReportsTheCipher()
    {
        var serverSides = new List<NetSocket>();
        NetServer server = await ListenAsync(Net.CreateServer(new ServerOptions { Secure = true, SslCertFile = certificates.ServerChainFile, SslKeyFile = certificates.ServerKeyFile }, socket =>
        {
            lock (serverSides)
            {
                serverSides.Add(socket);
            }

            socket.OnData((ReadOnlySequence<byte> data) => { foreach (ReadOnlyMemory<byte> segment in data) { socket.Write(segment.Span); } });
        }));
        Assert.True(server.Tls);
        Assert.Equal(certificates.ServerChainFile, server.SslCertFile);

        string? cipher = null, protocol = null;
        bool tls = false, authorized = false;
        var options = new SocketOptions { Port = server.Port, Tls = true, CaCert = certificates.RootCaFile };
        var socket = new NetSocket(options);
        socket.OnConnect(() =>
        {
            (tls, cipher, protocol, authorized) = (socket.Tls, socket.Cipher, socket.Protocol, socket.Authorized);
        });
        (_, string received, List<Exception> errors) = await TalkAsyncWith(socket, options, "hello tls");

        Assert.Empty(errors);
        Assert.Equal("hello tls", received);
        Assert.True(tls);
        Assert.True(authorized);
        Assert.StartsWith("TLS_AES_", cipher);
        Assert.Equal("TLSv1.3", protocol);
        NetSocket serverSide = Assert.Single(serverSides);
        Assert.True(serverSide.Tls);
        Assert.Null(serverSide.PeerName);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task ARejectedClientIsTheServersErrorWithCiosMessage()
    {
        var error = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        ServerOptions options = TlsServer();
        options.Ca = certificates.RootCaFile;
        options.IsClientAllowed = name => name == "alice";
        NetServer server = await ListenAsync(EchoServer(options));
        server.OnError(ex => error.TrySetResult(ex));

        var client = new SocketOptions { Port = server.Port, Tls = true, CaCert = certificates.RootCaFile, TlsOptions = new TlsClientOptions { ClientCertificate = TlsCertificate.FromPemFiles(certificates.MalloryCertFile, certificates.MalloryKeyFile) } };
        (_, string received, _) = await TalkAsync(client, "hi");

        var rejected = Assert.IsType<TlsException>(await error.Task.WithTimeout());
        Assert.Equal(NetErrorCode.TlsClientRejected, rejected.Code);
        Assert.Equal("Client Rejected: mallory", rejected.Message);
        Assert.Equal("", received);

        var allowed = new SocketOptions { Port = server.Port, Tls = true, CaCert = certificates.RootCaFile, TlsOptions = new TlsClientOptions { ClientCertificate = TlsCertificate.FromPemFiles(certificates.AliceCertFile, certificates.AliceKeyFile) } };
        (_, string echoed, List<Exception> errors) = await TalkAsync(allowed, "alice here");
        Assert.Empty(errors);
        Assert.Equal("alice here", echoed);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task RejectClientAnswersOnASocketThenCloses()
    {
        ServerOptions options = TlsServer();
        options.RequestCert = true;
        options.Ca = certificates.RootCaFile;
        options.IsClientAllowed = name => name == "alice";
        var closed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        options.RejectClient = (socket, name) =>
        {
            socket.OnClose(hadError => closed.TrySetResult(hadError));
            socket.End($"Sorry, you are not allowed, {name}");
        };
        NetServer server = await ListenAsync(EchoServer(options));

        var client = new SocketOptions { Port = server.Port, Tls = true, CaCert = certificates.RootCaFile, TlsOptions = new TlsClientOptions { ClientCertificate = TlsCertificate.FromPemFiles(certificates.MalloryCertFile, certificates.MalloryKeyFile) } };
        (_, string received, _) = await TalkAsync(client, "x");

        Assert.Equal("Sorry, you are not allowed, mallory", received);
        Assert.False(await closed.Task.WithTimeout());
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task AClientSeesAHostNameMismatchAsItsErrorThenClose()
    {
        NetServer server = await ListenAsync(EchoServer(new ServerOptions { Tls = true, SslCertFile = certificates.WrongHostChainFile, SslKeyFile = certificates.WrongHostKeyFile }));

        (NetSocket socket, _, List<Exception> errors) = await TalkAsync(new SocketOptions { Port = server.Port, Tls = true, CaCert = certificates.RootCaFile }, "x");
        Assert.Equal(NetErrorCode.TlsHostnameMismatch, Assert.IsType<TlsException>(Assert.Single(errors)).Code);
        Assert.False(socket.Connected);

        // rampart's hostname fixes it; insecure skips the check.
        (_, string named, List<Exception> none) = await TalkAsync(new SocketOptions { Port = server.Port, Tls = true, CaCert = certificates.RootCaFile, HostName = "wrong.example" }, "named");
        Assert.Empty(none);
        Assert.Equal("named", named);
        (_, string insecure, _) = await TalkAsync(new SocketOptions { Port = server.Port, Ssl = true, Insecure = true }, "insecure");
        Assert.Equal("insecure", insecure);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task GarbageIsATlsClientErrorAndTheServerKeepsServing()
    {
        var clientError = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        NetServer server = await ListenAsync(EchoServer(TlsServer()));
        server.OnTlsClientError(ex => clientError.TrySetResult(ex));

        using (Socket raw = await SocketTestExtensions.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port)))
        {
            await raw.SendAsync("PING\r\n"u8.ToArray());
            var error = Assert.IsType<TlsException>(await clientError.Task.WithTimeout());
            Assert.Equal(NetErrorCode.TlsHandshakeFailed, error.Code);
            Assert.Equal("PING\r\n"u8.ToArray(), error.InitialBytes.ToArray());
        }

        (_, string received, _) = await TalkAsync(new SocketOptions { Port = server.Port, Tls = true, CaCert = certificates.RootCaFile }, "after");
        Assert.Equal("after", received);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task SslFallbackServesPlaintextAndTlsOnOnePort()
    {
        var tlsFlags = new List<bool>();
        ServerOptions options = TlsServer();
        options.AllowSslFallback = true;
        NetServer server = await ListenAsync(Net.CreateServer(options, socket =>
        {
            lock (tlsFlags)
            {
                tlsFlags.Add(socket.Tls);
            }

            socket.OnData((ReadOnlySequence<byte> data) => { foreach (ReadOnlyMemory<byte> segment in data) { socket.Write(segment.Span); } });
        }));

        (_, string plain, _) = await TalkAsync(new SocketOptions { Port = server.Port }, "plain");
        (_, string secure, _) = await TalkAsync(new SocketOptions { Port = server.Port, Tls = true, CaCert = certificates.RootCaFile }, "secure");

        Assert.Equal("plain", plain);
        Assert.Equal("secure", secure);
        lock (tlsFlags)
        {
            Assert.Equal([false, true], tlsFlags);
        }

        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task ACertificateAddedWhileListeningIsServedByName()
    {
        NetServer server = await ListenAsync(EchoServer(TlsServer()));
        server.AddCertificate("late.test", certificates.Late.CertificatePem + "\n" + certificates.Intermediate.ExportCertificatePem(), certificates.Late.KeyPem);

        string? peer = null;
        var options = new SocketOptions { Port = server.Port, Tls = true, CaCert = certificates.RootCaFile, HostName = "late.test" };
        var socket = new NetSocket(options);
        socket.OnConnect(() => peer = socket.PeerName);
        (_, string received, _) = await TalkAsyncWith(socket, options, "late");

        Assert.Equal("late", received);
        Assert.Equal("late.test", peer);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task WriteCallbacksRunOnceTheirBytesWereSentOverTls()
    {
        NetServer server = await ListenAsync(EchoServer(TlsServer()));
        var callbacks = new List<Exception?>();
        var allSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long total = 0;
        var socket = new NetSocket(new SocketOptions { Port = server.Port, Tls = true, CaCert = certificates.RootCaFile });
        socket.OnData((ReadOnlySequence<byte> data) =>
        {
            if (Interlocked.Add(ref total, data.Length) == 3 * 100_000)
            {
                received.TrySetResult();
            }
        });
        socket.OnConnect(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                socket.Write(new byte[100_000], error =>
                {
                    lock (callbacks)
                    {
                        callbacks.Add(error);
                        if (callbacks.Count == 3)
                        {
                            allSent.TrySetResult();
                        }
                    }
                });
            }
        });
        socket.Connect(new SocketOptions { Port = server.Port, Tls = true, CaCert = certificates.RootCaFile });

        await allSent.Task.WithTimeout();
        await received.Task.WithTimeout();
        Assert.Equal([null, null, null], callbacks);
        Assert.Equal(300_000, socket.BytesWritten);
        Assert.Equal(300_000, socket.BytesRead);
        socket.Destroy();
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public void BadTlsSettingsFailWhenTheServerIsCreated()
    {
        string missing = certificates.Path2("missing-key.pem");
        var error = Assert.Throws<TlsException>(() => Net.CreateServer(new ServerOptions { Tls = true, SslCertFile = certificates.ServerChainFile, SslKeyFile = missing }));
        Assert.Equal(NetErrorCode.TlsCertificateInvalid, error.Code);
        Assert.Contains(missing, error.Message);

        Assert.Throws<ArgumentException>(() => Net.CreateServer(new ServerOptions { Tls = true }));
        Assert.Contains("RFC 8996", Assert.Throws<ArgumentOutOfRangeException>(() => Net.CreateServer(new ServerOptions { Tls = true, SslCertFile = certificates.ServerChainFile, SslKeyFile = certificates.ServerKeyFile, SslMinVersion = "tls1.1" })).Message);
        Assert.Throws<InvalidOperationException>(() => Net.CreateServer().AddCertificate("x", certificates.ServerChainFile, certificates.ServerKeyFile));
    }

    private static Task<(NetSocket Socket, string Received, List<Exception> Errors)> TalkAsyncWith(NetSocket socket, SocketOptions options, string text) =>
        Talk.RunAsync(text, configure =>
        {
            configure(socket);
            return socket.Connect(options);
        });
}
