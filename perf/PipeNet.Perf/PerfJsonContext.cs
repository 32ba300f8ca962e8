using System.Text.Json.Serialization;
using PipeNet.Perf.Load;
using PipeNet.Perf.Reporting;
using PipeNet.Perf.Server;

namespace PipeNet.Perf;

/// <summary>Source-generated JSON for everything the three roles exchange and the report stores.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ServerStats))]
[JsonSerializable(typeof(LoadResult))]
[JsonSerializable(typeof(PerfReport))]
internal sealed partial class PerfJsonContext : JsonSerializerContext
{
}
