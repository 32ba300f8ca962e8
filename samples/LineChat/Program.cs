// A line-based chat room on the delimiter codec: dotnet run --project samples/LineChat, then `nc 127.0.0.1 7009`.
// Each line is one message (\n or \r\n); a line over 4 KiB ends that member's connection with EMSGSIZE.
using System.Buffers;
using System.Text;
using PipeNet;
using PipeNet.Codecs;

var members = new Dictionary<NetSocket, MessageSocket<ReadOnlySequence<byte>>>();
var gate = new Lock();

void Broadcast(NetSocket from, string text)
{
    MessageSocket<ReadOnlySequence<byte>>[] others;
    lock (gate) others = [.. members.Where(m => m.Key != from).Select(m => m.Value)];
    var line = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text)); // encoded once, sent to all
    foreach (var member in others) member.Send(line); // false means that member is slow: its socket buffers, then drains
}

var server = Net.CreateServer(socket =>
{
    string name = $"{socket.RemoteAddress}:{socket.RemotePort}";
    var lines = socket.UseCodec(DelimiterCodec.Lines, new MessageReaderOptions { MaxMessageSize = 4096 });
    lock (gate) members.Add(socket, lines);
    lines.OnMessage(line => Broadcast(socket, $"{name}> {Encoding.UTF8.GetString(line)}"));
    socket.OnEnd(() => Broadcast(socket, $"* {name} left"))
        .OnError(e => Console.Error.WriteLine($"{name}: {e.Message}"))
        .OnClose(_ => { lock (gate) members.Remove(socket); });
    lines.Send(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($"* welcome {name}")));
    Broadcast(socket, $"* {name} joined");
});

server.OnListening(() => Console.WriteLine($"line chat listening on 127.0.0.1:{server.Port}"))
    .OnError(e => Console.Error.WriteLine($"server: {e.Message}"))
    .Listen(args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 7009, "127.0.0.1");

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
await stop.Task;
await server.CloseAsync();
