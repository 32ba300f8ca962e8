using System.Diagnostics.Metrics;

namespace PipeNet.Internal;

/// <summary>PipeNet's instruments, all on the one <c>PipeNet</c> meter so dotnet-counters and OpenTelemetry see them.</summary>
internal static class NetMetrics
{
    public const string MeterName = "PipeNet";

    private static readonly Meter s_meter = new(MeterName);

    public static readonly UpDownCounter<long> ActiveConnections =
        s_meter.CreateUpDownCounter<long>("pipenet.connections.active", "{connection}", "Connections being served.");

    public static readonly Counter<long> AcceptedConnections =
        s_meter.CreateCounter<long>("pipenet.connections.accepted", "{connection}", "Connections accepted and admitted.");

    public static readonly Counter<long> DroppedConnections =
        s_meter.CreateCounter<long>("pipenet.connections.dropped", "{connection}", "Connections refused over MaxConnections.");

    public static readonly Counter<long> BytesReceived =
        s_meter.CreateCounter<long>("pipenet.bytes.received", "By", "Bytes received by closed connections.");

    public static readonly Counter<long> BytesSent =
        s_meter.CreateCounter<long>("pipenet.bytes.sent", "By", "Bytes sent by closed connections.");

    public static readonly Histogram<double> ConnectionDuration =
        s_meter.CreateHistogram<double>("pipenet.connection.duration", "s", "How long connections stayed open.");
}
