using System.Globalization;

namespace PipeNet.Transport.Raw.Internal;

/// <summary>The parsed command line of <c>pipenet ping</c>: <c>HOST [-c COUNT] [-i INTERVAL] [-t TTL] [-s SIZE] [-W TIMEOUT] [-4|-6]</c>.</summary>
internal sealed class PingArguments
{
    public const string Usage =
        """
        Usage
          pipenet ping [options] <destination>

        Options:
          <destination>      host name or IP address
          -c <count>         stop after <count> replies
          -i <interval>      seconds between sending each packet
          -s <size>          use <size> as number of data bytes to be sent
          -t <ttl>           define time to live
          -W <timeout>       time to wait for response
          -4                 use IPv4
          -6                 use IPv6
          -h                 print help and exit
        """;

    public string Host { get; private set; } = "";

    public int? Count { get; private set; }

    public TimeSpan Interval { get; private set; } = TimeSpan.FromSeconds(1);

    public int? TimeToLive { get; private set; }

    public int PayloadSize { get; private set; } = 56;

    public TimeSpan Timeout { get; private set; } = TimeSpan.FromSeconds(10);

    public bool IPv4Only { get; private set; }

    public bool IPv6Only { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> is iputils' message for it.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out PingArguments arguments, out string? error)
    {
        arguments = new PingArguments();
        error = null;
        var hosts = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help")
            {
                arguments.Help = true;
                return true;
            }

            if (arg.Length < 2 || arg[0] != '-')
            {
                hosts.Add(arg);
                continue;
            }

            char flag = arg[1];
            if (flag is '4' or '6' && arg.Length == 2)
            {
                arguments.IPv4Only |= flag == '4';
                arguments.IPv6Only |= flag == '6';
                continue;
            }

            if (flag is not ('c' or 'i' or 't' or 's' or 'W'))
            {
                error = $"ping: invalid option -- '{arg[1..]}'";
                return false;
            }

            // getopt style: "-c 3" and "-c3" alike.
            string? value = arg.Length > 2 ? arg[2..] : (i + 1 < args.Count ? args[++i] : null);
            if (value is null)
            {
                error = $"ping: option requires an argument -- '{flag}'";
                return false;
            }

            error = flag switch
            {
                'c' => arguments.SetCount(value),
                'i' => arguments.SetInterval(value),
                't' => arguments.SetTimeToLive(value),
                's' => arguments.SetPayloadSize(value),
                _ => arguments.SetTimeout(value),
            };
            if (error is not null)
            {
                return false;
            }
        }

        if (arguments.IPv4Only && arguments.IPv6Only)
        {
            error = "ping: only one -4 or -6 option may be specified";
            return false;
        }

        if (hosts.Count != 1)
        {
            error = hosts.Count == 0 ? "ping: usage error: Destination address required" : $"ping: usage error: one destination only, not {string.Join(' ', hosts)}";
            return false;
        }

        arguments.Host = hosts[0];
        if (arguments.PayloadSize > IcmpEcho.MaxPayloadLength && !arguments.IPv6Only && !arguments.Host.Contains(':', StringComparison.Ordinal))
        {
            error = $"ping: invalid argument: '{arguments.PayloadSize}': out of range: 0 <= value <= {IcmpEcho.MaxPayloadLength}";
            return false;
        }

        return true;
    }

    public PingOptions ToOptions() => new()
    {
        Count = Count,
        Interval = Interval,
        TimeToLive = TimeToLive,
        PayloadSize = PayloadSize,
        Timeout = Timeout,
    };

    private static string OutOfRange(string value, long min, long max) => $"ping: invalid argument: '{value}': out of range: {min} <= value <= {max}";

    private string? SetCount(string value)
    {
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long count))
        {
            return $"ping: invalid argument: '{value}'";
        }

        if (count is < 1 or > int.MaxValue)
        {
            return OutOfRange(value, 1, int.MaxValue);
        }

        Count = (int)count;
        return null;
    }

    private string? SetInterval(string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || double.IsNaN(seconds) || seconds < 0 || seconds > int.MaxValue / 1000)
        {
            return $"ping: bad timing interval: {value}";
        }

        Interval = TimeSpan.FromSeconds(seconds);
        return null;
    }

    private string? SetTimeToLive(string value)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int ttl))
        {
            return $"ping: invalid argument: '{value}'";
        }

        if (ttl is < 1 or > 255)
        {
            return OutOfRange(value, 1, 255);
        }

        TimeToLive = ttl;
        return null;
    }

    private string? SetPayloadSize(string value)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int size))
        {
            return $"ping: invalid argument: '{value}'";
        }

        if (size is < 0 or > Icmpv6Echo.MaxPayloadLength)
        {
            return OutOfRange(value, 0, Icmpv6Echo.MaxPayloadLength);
        }

        PayloadSize = size;
        return null;
    }

    private string? SetTimeout(string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || double.IsNaN(seconds) || seconds <= 0 || seconds > int.MaxValue / 1000)
        {
            return $"ping: bad linger time: {value}";
        }

        Timeout = TimeSpan.FromSeconds(seconds);
        return null;
    }
}
