using System.Text.Json;
using System.Text.Json.Serialization;

namespace PipeNet.Perf;

/// <summary>The two JSON flavours: one compact line for the wire between processes, indented for files.</summary>
internal static class PerfJson
{
    public static PerfJsonContext Line { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    });

    public static PerfJsonContext Indented { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    });
}
