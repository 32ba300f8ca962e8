using System.Globalization;
using System.Net;

namespace PipeNet.Transport.Raw.Internal;

/// <summary>The lines of <c>pipenet ping</c>, in iputils <c>ping</c>'s shapes and number formats.</summary>
internal static class PingOutput
{
    public static string Header(string host, IPAddress address, int payloadSize) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"PING {host}({address}) {payloadSize} data bytes"
            : $"PING {host} ({address}) {payloadSize}({payloadSize + IcmpEcho.HeaderLength + IPv4Header.MinLength}) bytes of data.";

    public static string Reply(string from, PingReply reply)
    {
        string ttl = reply.TimeToLive is int value ? $" ttl={value}" : "";
        return $"{reply.Bytes} bytes from {from}: icmp_seq={reply.SequenceNumber}{ttl} time={ReplyTime(reply.RoundTripTime)} ms";
    }

    public static string StatisticsTitle(string host) => $"--- {host} ping statistics ---";

    public static string Totals(PingStatistics statistics)
    {
        string errors = statistics.Errors > 0 ? $", +{statistics.Errors} errors" : "";
        string loss = statistics.PacketLoss.ToString("G6", CultureInfo.InvariantCulture);
        long milliseconds = (long)statistics.Elapsed.TotalMilliseconds;
        return $"{statistics.Transmitted} packets transmitted, {statistics.Received} received{errors}, {loss}% packet loss, time {milliseconds}ms";
    }

    public static string RoundTrips(PingStatistics statistics) =>
        $"rtt min/avg/max/mdev = {Milliseconds(statistics.Minimum)}/{Milliseconds(statistics.Average)}/{Milliseconds(statistics.Maximum)}/{Milliseconds(statistics.MeanDeviation)} ms";

    /// <summary>iputils' reply time: three decimals under 1 ms, two under 10, one under 100, none above.</summary>
    public static string ReplyTime(TimeSpan roundTrip)
    {
        long us = roundTrip.Ticks / TimeSpan.TicksPerMicrosecond;
        return us switch
        {
            >= 100_000 - 50 => ((us + 500) / 1000).ToString(CultureInfo.InvariantCulture),
            >= 10_000 - 5 => string.Create(CultureInfo.InvariantCulture, $"{(us + 50) / 1000}.{(us + 50) % 1000 / 100}"),
            >= 1000 => string.Create(CultureInfo.InvariantCulture, $"{(us + 5) / 1000}.{(us + 5) % 1000 / 10:D2}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{us / 1000}.{us % 1000:D3}"),
        };
    }

    private static string Milliseconds(TimeSpan value)
    {
        long us = value.Ticks / TimeSpan.TicksPerMicrosecond;
        return string.Create(CultureInfo.InvariantCulture, $"{us / 1000}.{us % 1000:D3}");
    }
}
