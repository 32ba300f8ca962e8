using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace PipeNet.Perf.Server;

/// <summary>
/// <c>server --kind K [--tls]</c>: one echo server on 127.0.0.1:0 (with <c>--tls</c>, over TLS with a throwaway certificate). Prints <c>listening 127.0.0.1:PORT</c>, then
/// answers <c>stats</c> (or <c>stats gc</c>) on stdin with a JSON line; stops on <c>quit</c> or stdin EOF,
/// and in any case after <c>--max-seconds</c> (default 900) so an orphaned server cannot linger.
/// </summary>
internal static class ServerCommand
{
    public static async Task<int> RunAsync(CommandLine options)
    {
        long start = Stopwatch.GetTimestamp();
        string kind = options.Require("kind");
        double maxSeconds = options.GetDouble("max-seconds", 900);
        var counters = new EchoCounters();
        AppDomain.CurrentDomain.FirstChanceException += (_, _) => counters.ExceptionThrown();
        using X509Certificate2? certificate = options.Has("tls") ? ServerCertificate.Create() : null;
        await using IEchoServer server = kind switch
        {
            "pipenet" => new PipeNetEchoServer(counters, certificate),
            "kestrel" => new KestrelEchoServer(counters, certificate),
            "facade" => new FacadeEchoServer(counters, certificate),
            "socket" => new SocketEchoServer(counters, certificate),
            _ => throw new ArgumentException($"unknown server kind '{kind}'"),
        };

        IPEndPoint endPoint = await server.StartAsync();
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"listening {endPoint}"));
        Console.Out.Flush();

        // stdin is read on its own thread: a blocking read must not hold a pool thread the servers need.
        Task commands = Task.Factory.StartNew(() => ServeCommands(kind, counters, start), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Task finished = await Task.WhenAny(commands, Task.Delay(TimeSpan.FromSeconds(maxSeconds)));
        if (finished != commands)
        {
            Console.Error.WriteLine($"server: --max-seconds {maxSeconds} reached, exiting");
            return 1;
        }

        return 0;
    }

    private static void ServeCommands(string kind, EchoCounters counters, long start)
    {
        while (Console.In.ReadLine() is { } line)
        {
            switch (line.Trim())
            {
                case "quit":
                    return;
                case "stats":
                case "stats gc":
                    ServerStats stats = ServerStats.Capture(kind, counters, start, collect: line.Trim() == "stats gc");
                    Console.Out.WriteLine("stats " + JsonSerializer.Serialize(stats, PerfJson.Line.ServerStats));
                    Console.Out.Flush();
                    break;
                default:
                    Console.Error.WriteLine($"server: unknown command '{line}'");
                    break;
            }
        }
    }
}
