using PipeNet.Perf.Load;
using PipeNet.Perf.Orchestration;
using PipeNet.Perf.Server;

namespace PipeNet.Perf;

/// <summary>
/// One executable, three roles: <c>server</c> (an echo server to measure), <c>load</c> (the load
/// generator) and <c>run</c> (the orchestrator that starts the other two as child processes).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // `PipeNet.Perf --quick` (what build.cake's Bench target passes) means `run --quick`.
        string verb = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "run";
        CommandLine options;
        try
        {
            options = CommandLine.Parse(verb == "run" && (args.Length == 0 || args[0] != "run") ? args : args[1..]);
            return verb switch
            {
                "server" => await ServerCommand.RunAsync(options),
                "load" => await LoadCommand.RunAsync(options),
                "run" => await RunCommand.RunAsync(options),
                _ => Usage($"unknown verb '{verb}'"),
            };
        }
        catch (ArgumentException ex)
        {
            return Usage(ex.Message);
        }
    }

    private static int Usage(string error)
    {
        Console.Error.WriteLine($"error: {error}");
        Console.Error.WriteLine("""
            usage:
              PipeNet.Perf [run] [--quick] [--out DIR] [--reps N] [--seconds S] [--scenarios a,b] [--servers a,b]
              PipeNet.Perf server --kind pipenet|facade|kestrel|socket [--tls] [--max-seconds S]
              PipeNet.Perf load --target HOST:PORT --scenario NAME --seconds S [--warmup S] [--connections N] [--sync]
            scenarios: echo-64B-d1 echo-64B-d16 echo-4KiB-d4 bulk connect idle tls-echo tls-handshake
            """);
        return 2;
    }
}
