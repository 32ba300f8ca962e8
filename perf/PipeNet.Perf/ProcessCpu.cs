using System.Diagnostics;

namespace PipeNet.Perf;

/// <summary>This process's CPU time (user plus system, all threads).</summary>
internal static class ProcessCpu
{
    public static TimeSpan Now()
    {
        using Process self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
