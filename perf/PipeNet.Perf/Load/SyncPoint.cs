namespace PipeNet.Perf.Load;

/// <summary>
/// The load generator's side of the handshake with the orchestrator: print <c>mark NAME</c>, and with
/// <c>--sync</c> wait for one line on stdin (the orchestrator's "snapshot taken") before going on.
/// </summary>
internal sealed class SyncPoint(bool enabled)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    public async Task MarkAsync(string name)
    {
        Console.Out.WriteLine("mark " + name);
        Console.Out.Flush();
        if (!enabled)
        {
            return;
        }

        // Console reads block, so they get their own thread rather than a pool thread the sockets need.
        Task<string?> read = Task.Factory.StartNew(Console.In.ReadLine, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (await Task.WhenAny(read, Task.Delay(s_timeout)) != read || await read is null)
        {
            throw new TimeoutException($"no acknowledgement of mark '{name}' from the orchestrator");
        }
    }
}
