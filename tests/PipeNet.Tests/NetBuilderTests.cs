using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tls;

namespace PipeNet.Tests;

/// <summary>cio's builder: plug-in points and their order, TLS switched on by certificate material, client allow/deny, middleware.</summary>
public sealed class NetBuilderTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private static void Echo(NetSocket socket) =>
        socket.OnData((ReadOnlySequence<byte> data) => { foreach (ReadOnlyMemory<byte> segment in data) { socket.Write(segment.Span); } });

    /// <summary>Connects through <paramref name="builder"/>, sends <paramref name="text"/> and collects what comes back until close.</summary>
    private static Task<(NetSocket Socket, string Received, List<Exception> Errors)> TalkAsync(NetBuilder builder, NetBuilderOptions options, string text) =>
        Talk.RunAsync(text, configure => builder.Client(options, configure));

    [Fact]
    public async Task PluginsRunAtEachPointInTheirOrderBeforeTheCallersHandlers()
    {
        var log = new ConcurrentQueue<string>();
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        object? seenOptions = null;
        var builder = Net.Builder()
            .OnServer((server, context) => { log.Enqueue($"server:{context.Id}"); seenOptions = context.Options; }, "announce")
            .OnServerClient((socket, _) => log.Enqueue("server-client:timeout"), "timeout")
            .OnServerClient((socket, _) => log.Enqueue("server-client:log"), "log", new PluginOrder { Before = ["timeout"] })
            .OnClient((socket, context) => log.Enqueue($"client:{context.Id}"), "client-plugin");
        var serverOptions = new NetBuilderOptions();
        NetServer server = builder.Server(serverOptions);
        Assert.Same(serverOptions, seenOptions);
        server.OnConnection(socket =>
        {
            log.Enqueue("server:connection-handler");
            Echo(socket);
            handled.TrySetResult();
        });
        await server.ListenAsync(0, "127.0.0.1").WithTimeout();

        (_, string received, List<Exception> errors) = await TalkAsync(builder.OnClient((_, _) => log.Enqueue("client:second")), new NetBuilderOptions { Port = server.Port }, "ping");
        await handled.Task.WithTimeout();

        Assert.Empty(errors);
        Assert.Equal("ping", received);
        Assert.Equal(
            ["server:announce", "client:client-plugin", "client:second", "server-client:log", "server-client:timeout", "server:connection-handler"],
            log.ToArray());
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task CertificateMaterialByPathOrBufferSwitchesBothSidesToTls()
    {
        var serverSide = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Net.Builder();

        // cio's aliases: Public/Private/Root; the server's by path, the client's roots as a buffer.
        NetServer server = builder.Server(new NetBuilderOptions { Public = certificates.ServerChainFile, Private = certificates.ServerKeyFile });
        server.OnConnection(socket => { serverSide.TrySetResult(socket.Tls); Echo(socket); });
        await server.ListenAsync(0, "127.0.0.1").WithTimeout();
        Assert.True(server.Tls);

        var clientOptions = new NetBuilderOptions { Port = server.Port };
        clientOptions.Root.Add(File.ReadAllBytes(certificates.RootCaFile));
        (NetSocket socket, string received, List<Exception> errors) = await TalkAsync(builder, clientOptions, "over tls");

        Assert.Empty(errors);
        Assert.Equal("over tls", received);
        Assert.True(socket.Tls);
        Assert.True(await serverSide.Task.WithTimeout());
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task ACertificateInMemoryServesAsWellAsAFile()
    {
        var builder = Net.Builder();
        NetServer server = builder.Server(new NetBuilderOptions
        {
            Cert = File.ReadAllBytes(certificates.ServerChainFile),
            Key = File.ReadAllText(certificates.ServerKeyFile), // PEM text
        });
        server.OnConnection(Echo);
        await server.ListenAsync(0, "127.0.0.1").WithTimeout();

        (_, string received, List<Exception> errors) = await TalkAsync(builder, new NetBuilderOptions { Port = server.Port, Ca = { certificates.RootCaFile } }, "from memory");

        Assert.Empty(errors);
        Assert.Equal("from memory", received);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task IsClientAllowedLetsAliceInAndRejectsMalloryWithCiosMessage()
    {
        var rejected = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Net.Builder();
        NetServer server = builder.Server(new NetBuilderOptions
        {
            Cert = certificates.ServerChainFile,
            Key = certificates.ServerKeyFile,
            Ca = { certificates.RootCaFile },
            IsClientAllowed = name => name == "alice",
        });
        server.OnConnection(Echo).OnError(ex => rejected.TrySetResult(ex));
        await server.ListenAsync(0, "127.0.0.1").WithTimeout();

        (_, string fromMallory, _) = await TalkAsync(builder, new NetBuilderOptions
        {
            Port = server.Port, Ca = { certificates.RootCaFile }, Cert = certificates.MalloryCertFile, Key = certificates.MalloryKeyFile,
        }, "hi");
        var error = Assert.IsType<TlsException>(await rejected.Task.WithTimeout());
        Assert.Equal(NetErrorCode.TlsClientRejected, error.Code);
        Assert.Equal("Client Rejected: mallory", error.Message);
        Assert.Equal("", fromMallory);

        (_, string fromAlice, List<Exception> errors) = await TalkAsync(builder, new NetBuilderOptions
        {
            Port = server.Port, Ca = { certificates.RootCaFile }, Cert = certificates.AliceCertFile, Key = certificates.AliceKeyFile,
        }, "alice here");
        Assert.Empty(errors);
        Assert.Equal("alice here", fromAlice);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task MiddlewareSeesEveryConnectionAfterTlsAndCanRefuseOne()
    {
        int seen = 0;
        var builder = Net.Builder().Use(next => async connection =>
        {
            if (Interlocked.Increment(ref seen) == 1)
            {
                return; // the first connection is refused: never reaches the socket layer
            }

            connection.Items["tagged"] = true;
            await next(connection);
        });
        var tagged = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        NetServer server = builder.Server(new NetBuilderOptions { Cert = certificates.ServerChainFile, Key = certificates.ServerKeyFile });
        server.OnConnection(socket => { tagged.TrySetResult(socket.Connection!.Items.ContainsKey("tagged")); Echo(socket); });
        await server.ListenAsync(0, "127.0.0.1").WithTimeout();
        var client = new NetBuilderOptions { Port = server.Port, Ca = { certificates.RootCaFile } };

        (_, string refused, _) = await TalkAsync(builder, client, "first");
        (_, string served, List<Exception> errors) = await TalkAsync(builder, client, "second");

        Assert.Equal("", refused);
        Assert.Equal("second", served);
        Assert.Empty(errors);
        Assert.True(await tagged.Task.WithTimeout());
        Assert.Equal(2, Volatile.Read(ref seen));
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task AServerClientPluginThatThrowsFailsOnlyThatSocket()
    {
        int calls = 0;
        var builder = Net.Builder().OnServerClient((_, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("plug-in bug");
            }
        });
        NetServer server = builder.Server();
        server.OnConnection(Echo);
        await server.ListenAsync(0, "127.0.0.1").WithTimeout();

        (_, string first, _) = await TalkAsync(builder, new NetBuilderOptions { Port = server.Port }, "one");
        (_, string second, List<Exception> errors) = await TalkAsync(builder, new NetBuilderOptions { Port = server.Port }, "two");

        Assert.Equal("", first);
        Assert.Equal("two", second);
        Assert.Empty(errors);
        Assert.True(server.Listening);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task NoRelistenFailsABusyPortAtOnce()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        holder.Listen();
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);

        NetServer server = Net.Builder().Server(new NetBuilderOptions { NoRelisten = true });
        server.OnError(ex => failed.TrySetResult(ex)).Listen(((IPEndPoint)holder.LocalEndPoint!).Port, "127.0.0.1");

        Assert.Equal(NetErrorCode.AddressInUse, NetException.GetCode(await failed.Task.WithTimeout()));
    }

    [Fact]
    public async Task AReconnectingClientRunsTheClientPluginsOnEveryAttempt()
    {
        int plugins = 0;
        var builder = Net.Builder().OnClient((_, _) => Interlocked.Increment(ref plugins));
        NetServer server = builder.Server();
        server.OnConnection(Echo);
        await server.ListenAsync(0, "127.0.0.1").WithTimeout();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        ReconnectingSocket client = builder.ReconnectingClient(new NetBuilderOptions { Port = server.Port }).OnConnect(() => connected.TrySetResult());
        client.Connect();
        await connected.Task.WithTimeout();

        Assert.Equal(1, Volatile.Read(ref plugins));
        client.Destroy();
        await client.Completion.WithTimeout();
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public void RejectsBadOptionsWithTheirNames()
    {
        var builder = Net.Builder();
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => builder.Server(new NetBuilderOptions { Cert = certificates.ServerChainFile })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => builder.Client(new NetBuilderOptions())).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => builder.Client(null!)).ParamName);
        Assert.Equal("middleware", Assert.Throws<ArgumentNullException>(() => builder.Use(null!)).ParamName);
        Assert.Equal("Port", Assert.Throws<ArgumentOutOfRangeException>(() => new NetBuilderOptions { Port = 70000 }).ParamName);
        Assert.Equal("pathOrPem", Assert.Throws<ArgumentException>(() => TlsMaterial.FromText(" ")).ParamName);
        Assert.Equal("bytes", Assert.Throws<ArgumentException>(() => TlsMaterial.FromBytes([])).ParamName);

        var missing = Assert.Throws<TlsException>(() => builder.Server(new NetBuilderOptions { Cert = "/nonexistent/cert.pem", Key = "/nonexistent/key.pem" }));
        Assert.Contains("/nonexistent/cert.pem", missing.Message, StringComparison.Ordinal);

        builder.OnClient((_, _) => { }, "a", new PluginOrder { Before = ["b"] });
        Assert.Throws<InvalidOperationException>(() => builder.OnClient((_, _) => { }, "b", new PluginOrder { Before = ["a"] }));
    }
}
