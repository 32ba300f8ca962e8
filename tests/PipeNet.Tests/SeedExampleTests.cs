using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PipeNet.Tests;

/// <summary>
/// The examples of the two specification documents (Ruff's Node-style net and rampart-net), ported to C#
/// line by line and run against loopback. Remote hosts become local servers; TLS waits for the TLS issue.
/// </summary>
public sealed class SeedExampleTests
{
    [Fact]
    public async Task NodeEchoServerAndItsClientExample()
    {
        // var server = net.createServer(function(c) { ...; c.on('end', ...); c.write('hello\r\n'); });
        var log = new List<string>();
        var serverSawEnd = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Net.CreateServer(c =>
        {
            log.Add("client connected");
            c.OnData(_ => { }).OnEnd(() => { log.Add("client disconnected"); serverSawEnd.TrySetResult(); });
            c.Write("hello\r\n");
        });
        server.Listen(0, "127.0.0.1", callback: () => { log.Add("server bound"); listening.SetResult(); });
        await listening.Task.WithTimeout();

        // var client = net.connect({port: 8124}, function() { client.write('world!\r\n'); });
        // client.on('data', function(data) { console.log(data.toString()); client.end(); });
        var clientLog = new List<string>();
        var clientEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new NetSocket();
        client.OnData(data => { clientLog.Add(Encoding.UTF8.GetString(data)); client.End(); })
            .OnEnd(() => { clientLog.Add("disconnected from server"); clientEnded.SetResult(); });
        client.Connect(new SocketOptions { Port = server.Port }, () => { clientLog.Add("connected to server!"); client.Write("world!\r\n"); });

        await clientEnded.Task.WithTimeout();
        await serverSawEnd.Task.WithTimeout();
        Assert.Equal(["connected to server!", "hello\r\n", "disconnected from server"], clientLog);
        Assert.Equal(["server bound", "client connected", "client disconnected"], log);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task NodeRetryOnEaddrinuseExample()
    {
        // server.on('error', function (e) { if (e.code == 'EADDRINUSE') { server.close(); server.listen(PORT, HOST); } });
        var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupant.Listen();
        int port = ((IPEndPoint)occupant.LocalEndPoint!).Port;

        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int retries = 0;
        NetServer server = null!;
        server = Net.CreateServer(new ServerOptions { NoRelisten = true }, socket => socket.End("goodbye\n")) // Node reports EADDRINUSE at once
            .OnError(e =>
            {
                if (e is NetException { Code: NetErrorCode.AddressInUse })
                {
                    retries++;
                    occupant.Dispose(); // instead of waiting a second for the other server to go away
                    server.Close();
                    server.Listen(port, "127.0.0.1");
                }
            })
            .OnListening(() => listening.SetResult());
        server.Listen(port, "127.0.0.1");

        await listening.Task.WithTimeout();
        Assert.Equal(1, retries);
        Assert.Equal(port, server.Port);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task NodeServerAddressExample()
    {
        // var server = net.createServer(function (socket) { socket.end("goodbye\n"); });
        // server.listen(function() { address = server.address(); });
        var opened = new TaskCompletionSource<ServerAddress?>(TaskCreationOptions.RunContinuationsAsynchronously);
        NetServer server = null!;
        server = Net.CreateServer(socket => socket.End("goodbye\n"));
        server.Listen(0, "127.0.0.1", callback: () => opened.SetResult(server.Address()));
        ServerAddress address = (await opened.Task.WithTimeout())!;
        Assert.Equal("IPv4", address.Family);
        Assert.Equal("127.0.0.1", address.Address);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, address.Port).WithTimeout();
        Assert.Equal(8, await client.ReceiveToEndAsync()); // "goodbye\n", then FIN
        client.Shutdown(SocketShutdown.Send); // our FIN: the server's socket (which never listened for data) ends too
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task RampartSocketFullExample()
    {
        // The document fetches https://google.com; here a local server answers like an HTTP/1.0 server.
        const string response = "HTTP/1.0 301 Moved Permanently\r\nLocation: https://www.example/\r\nContent-Length: 0\r\n\r\n";
        var server = Net.CreateServer(s => s.OnData((ReadOnlySequence<byte> _) => { s.End(response); }));
        await server.ListenAsync(0, "127.0.0.1");

        var output = new List<string>();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var socket = new NetSocket();
        socket.On("connect", (Action<NetSocket>)(self =>
        {
            output.Add("CONNECTED");
            self.Write("GET / HTTP/1.0\r\nHost: example\r\n\r\n");
        }));
        socket.On("ready", () => output.Add("READY"));
        socket.On("end", () => output.Add("END EVENT"));
        // just to demonstrate multiple callbacks
        socket.On("data", (Action<ReadOnlySequence<byte>>)(data => output.Add($"length={data.Length}")));
        socket.On("data", (Action<ReadOnlySequence<byte>>)(data => output.Add($"content:{Encoding.ASCII.GetString(data)}")));
        socket.On("close", () =>
        {
            output.Add($"Close - written: {socket.BytesWritten}, read: {socket.BytesRead}");
            closed.SetResult();
        });
        socket.On("error", (Action<Exception>)(err => output.Add("ERROR: " + err.Message)));
        socket.On("timeout", () => output.Add("TIMEOUT"));
        socket.SetTimeout(1000);
        socket.Connect(new SocketOptions { Host = "127.0.0.1", Port = server.Port });

        await closed.Task.WithTimeout();
        Assert.Equal(["CONNECTED", "READY"], output.Take(2));
        Assert.Contains($"length={response.Length}", output);
        Assert.Contains("content:" + response, output);
        Assert.Equal("END EVENT", output[^2]);
        Assert.Equal($"Close - written: 33, read: {response.Length}", output[^1]);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task RampartServerFullExample()
    {
        // The document serves https with letsencrypt files; plain TCP here, the rest line by line.
        int nc = 0;
        var log = new List<string>();
        var closedConnection = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        NetServer server = null!;
        server = new NetServer(null, socket =>
        {
            log.Add("CONNECTED");
            socket.On("data", (Action<ReadOnlySequence<byte>>)(data =>
                {
                    string ind = Encoding.UTF8.GetString(data);
                    log.Add($"connection {++nc}, open connections {server.ConnectionCount}");
                    socket.Write("HTTP/1.0 200 OK\r\nContent-type: text/plain\r\nContent-Length: " + ind.Length + "\r\n\r\n");
                    socket.Write(ind);
                    socket.Destroy();
                }))
                .On("end", () => log.Add("peer ended connection " + socket.RemoteAddress))
                .On("error", (Action<Exception>)(e => log.Add("error " + e.Message)))
                .On("close", () => { log.Add("closed connection to " + socket.RemoteAddress); closedConnection.SetResult(); });
        });
        server.SetMaxConnections(1200);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.On("error", (Action<Exception>)(err => log.Add("server err: " + err.Message)))
            .On("close", () => log.Add("server closed"))
            .On("listening", () => listening.SetResult())
            .Listen(new ListenOptions { Port = 0, Host = "127.0.0.1", MaxConnections = 1200 });
        await listening.Task.WithTimeout();
        Assert.Equal(1200, server.MaxConnections);
        Assert.Equal(511, server.Backlog);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();
        const string request = "GET / HTTP/1.1\r\nHost: example\r\n\r\n";
        await client.SendAsync(Encoding.ASCII.GetBytes(request)).WithTimeout();
        byte[] buffer = new byte[4096];
        var answer = new StringBuilder();
        int n;
        while ((n = await client.ReceiveAsync(buffer.AsMemory()).AsTask().WithTimeout()) > 0)
        {
            answer.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        await closedConnection.Task.WithTimeout();
        Assert.EndsWith("\r\n\r\n" + request, answer.ToString());
        Assert.StartsWith($"HTTP/1.0 200 OK\r\nContent-type: text/plain\r\nContent-Length: {request.Length}", answer.ToString());
        Assert.Equal(["CONNECTED", "connection 1, open connections 1", "closed connection to 127.0.0.1"], log);
        await server.CloseAsync().WithTimeout();
        Assert.Equal("server closed", log[^1]);
    }
}
