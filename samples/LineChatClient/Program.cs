// A client for samples/LineChat that survives a server restart: dotnet run --project samples/LineChatClient [PORT].
// Stop the chat server and start it again: the client says it is reconnecting, comes back, and sends what you typed
// meanwhile. Ctrl+D (end of input) ends it.
using System.Buffers;
using System.Text;
using PipeNet;

int port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 7009;
var client = new ReconnectingSocket(
    new SocketOptions { Host = "127.0.0.1", Port = port },
    new ReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(5) });

client.OnConnect(() => Console.WriteLine("* connected"))
    .OnReconnect(attempts => Console.WriteLine($"* back after {attempts} attempt(s)"))
    .OnDisconnect(error => Console.WriteLine($"* lost the server{(error is null ? "" : ": " + error.Message)}"))
    .OnReconnecting((attempt, delay) => Console.WriteLine($"* reconnecting (attempt {attempt}) in {delay.TotalMilliseconds:0} ms"))
    .OnData((ReadOnlySequence<byte> data) => Console.Write(Encoding.UTF8.GetString(data)))
    .OnError(error => Console.Error.WriteLine($"* {error.Message}"))
    .Connect();

while (Console.ReadLine() is { } line)
{
    if (!client.Write(line + "\n", callback: error => { if (error is not null) Console.Error.WriteLine($"* not sent: {error.Message}"); }))
        Console.Error.WriteLine("* (buffered or held back: the server is slow or away)");
}

client.End();
await client.Completion;
