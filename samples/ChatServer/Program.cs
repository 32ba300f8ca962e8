// A line-based chat room on the event facade: dotnet run --project samples/ChatServer, then `nc 127.0.0.1 7008`.
using System.Text;
using PipeNet;

var members = new HashSet<NetSocket>();
var gate = new Lock();

void Broadcast(NetSocket from, string text)
{
    NetSocket[] others;
    lock (gate)
    {
        others = [.. members.Where(m => m != from)];
    }

    foreach (NetSocket member in others)
    {
        member.Write(text); // Write copies, so one string serves every member
    }
}

var server = Net.CreateServer(socket =>
{
    string name = $"{socket.RemoteAddress}:{socket.RemotePort}";
    lock (gate)
    {
        members.Add(socket);
    }

    socket.SetEncoding(Encoding.UTF8)
        .OnText(text => Broadcast(socket, $"{name}> {text}"))
        .OnEnd(() => Broadcast(socket, $"* {name} left\n"))
        .OnError(e => Console.Error.WriteLine($"{name}: {e.Message}"))
        .OnClose(_ => { lock (gate) { members.Remove(socket); } });
    socket.Write($"* welcome {name}\n");
    Broadcast(socket, $"* {name} joined\n");
});

server.OnListening(() => Console.WriteLine($"chat listening on 127.0.0.1:{server.Port}"))
    .OnError(e => Console.Error.WriteLine($"server: {e.Message}"))
    .Listen(args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 7008, "127.0.0.1");

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
await stop.Task;
await server.CloseAsync();
