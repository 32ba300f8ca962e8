using System.Runtime.InteropServices;

namespace PipeNet.Perf.Reporting;

/// <summary>What the numbers were measured on.</summary>
internal sealed record MachineInfo
{
    public required string Cpu { get; init; }

    public int Cores { get; init; }

    public required string Os { get; init; }

    public required string Runtime { get; init; }

    public required string LoadAverage { get; init; }

    public static MachineInfo Describe() => new()
    {
        Cpu = ReadCpuModel(),
        Cores = Environment.ProcessorCount,
        Os = RuntimeInformation.OSDescription,
        Runtime = RuntimeInformation.FrameworkDescription,
        LoadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a",
    };

    private static string ReadCpuModel()
    {
        if (!File.Exists("/proc/cpuinfo"))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }

        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
