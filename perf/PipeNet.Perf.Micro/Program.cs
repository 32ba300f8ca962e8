using BenchmarkDotNet.Running;

namespace PipeNet.Perf.Micro;

/// <summary>
/// BenchmarkDotNet micro-benchmarks: <c>dotnet run -c Release --project perf/PipeNet.Perf.Micro -- --filter '*'</c>
/// (or <c>--list flat</c>, <c>--job short</c> for a quicker, rougher run).
/// </summary>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
