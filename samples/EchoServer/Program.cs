// The pipe-level echo server of the README: dotnet run --project samples/EchoServer [-- PORT]
using System.Net;
using Microsoft.AspNetCore.Connections;
using PipeNet;
using PipeNet.Transport.Tcp;

var app = ConnectionPipeline.CreateBuilder().Run(async connection =>
{
    var (input, output) = (connection.Transport.Input, connection.Transport.Output);
    while (true)
    {
        var result = await input.ReadAsync();
        foreach (var segment in result.Buffer) await output.WriteAsync(segment);
        input.AdvanceTo(result.Buffer.End);
        if (result.IsCompleted) break;
    }
}).Build();

int port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 7007;
await using var server = new ConnectionDispatcher(app, new() { MaxConnections = 1000, IdleTimeout = TimeSpan.FromMinutes(2) });
Console.WriteLine($"listening {await server.BindAsync(new IPEndPoint(IPAddress.Loopback, port), new TcpListenerFactory())}");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
await stop.Task;
