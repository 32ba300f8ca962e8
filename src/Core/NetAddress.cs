using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PipeNet;

/// <summary>
/// Parses and formats the endpoint strings PipeNet accepts wherever an address is configured:
/// IP addresses with or without a port, host names, bare ports and Unix domain sockets.
/// </summary>
/// <remarks>
/// <para>Accepted forms, in the order they are recognised:</para>
/// <list type="table">
///   <listheader><term>Input</term><description>Result</description></listheader>
///   <item><term><c>unix:/run/app.sock</c>, <c>unix:rel.sock</c></term><description>
///     <see cref="UnixDomainSocketEndPoint"/> for that path. The <c>unix:</c> prefix (any case) always wins, so
///     <c>unix:80</c> is a socket file named <c>80</c>.</description></item>
///   <item><term><c>/abs.sock</c>, <c>./rel.sock</c>, <c>../up.sock</c></term><description>
///     <see cref="UnixDomainSocketEndPoint"/> for that path.</description></item>
///   <item><term><c>@name</c>, <c>unix:@name</c></term><description>
///     A Linux abstract socket, represented by .NET as the path <c>"\0name"</c>.</description></item>
///   <item><term><c>[::1]:80</c>, <c>[::1]</c></term><description><see cref="IPEndPoint"/>.</description></item>
///   <item><term><c>8080</c>, <c>:8080</c></term><description>
///     <see cref="IPAddress.Any"/> with that port: a bare port means "all interfaces", as Node's
///     <c>listen(8080)</c> does.</description></item>
///   <item><term><c>::1</c>, <c>fe80::1%eth0</c>, <c>::1:80</c></term><description>
///     Two or more colons without brackets is an IPv6 address with no port, as most parsers read it
///     (<c>::1:80</c> is the address <c>::1:80</c>); write <c>[::1]:80</c> to give a port.</description></item>
///   <item><term><c>127.0.0.1:80</c>, <c>127.0.0.1</c></term><description>
///     <see cref="IPEndPoint"/>; IPv4 must be a strict dotted quad (see <see cref="IsIPv4"/>).</description></item>
///   <item><term><c>*</c>, <c>any</c> (with or without <c>:port</c>)</term><description>
///     <see cref="IPAddress.IPv6Any"/>: the intent is "every interface, IPv4 and IPv6" on a dual-stack socket.</description></item>
///   <item><term><c>any4</c>, <c>0.0.0.0</c></term><description><see cref="IPAddress.Any"/>: IPv4 only.</description></item>
///   <item><term><c>example.com:443</c>, <c>localhost</c></term><description>
///     <see cref="DnsEndPoint"/>, resolved later. Host names are ASCII (give internationalised names in their
///     punycode form), at most 253 characters, labels of 1 to 63 letters, digits, hyphens or underscores that
///     neither start nor end with a hyphen; one trailing dot is allowed.</description></item>
/// </list>
/// <para>
/// A missing port is <c>defaultPort</c>. Ports are decimal 0..65535. A named IPv6 zone (<c>%eth0</c>) must name an
/// interface on this machine, because .NET would otherwise drop it silently; numeric zones are taken as they are.
/// </para>
/// </remarks>
public static class NetAddress
{
    /// <summary>Linux's <c>sun_path</c> is 108 bytes; a path needs its NUL terminator, an abstract name its leading NUL.</summary>
    private const int MaxUnixPathBytes = 107;

    private const int MaxHostNameLength = 253;

    private const int MaxLabelLength = 63;

    private const string UnixPrefix = "unix:";

    /// <summary>Node's zone id grammar: <c>%[0-9a-zA-Z-.:]+</c>.</summary>
    private static readonly SearchValues<char> s_zoneChars =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.:");

    /// <summary>Letters, digits and hyphen (RFC 1123) plus underscore, which real names such as <c>_sip._tcp</c> use.</summary>
    private static readonly SearchValues<char> s_hostChars =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_");

    /// <summary>Parses an address string into an endpoint.</summary>
    /// <param name="address">The address, in one of the forms listed on <see cref="NetAddress"/>.</param>
    /// <param name="defaultPort">The port used when <paramref name="address"/> has none. Defaults to 0.</param>
    /// <param name="paramName">The name reported in exception messages, for example the option being configured.</param>
    /// <returns>An <see cref="IPEndPoint"/>, <see cref="DnsEndPoint"/> or <see cref="UnixDomainSocketEndPoint"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="defaultPort"/> is outside 0..65535.</exception>
    /// <exception cref="FormatException">
    /// <paramref name="address"/> is not a valid address; the message names <paramref name="paramName"/> and quotes the input.
    /// </exception>
    public static EndPoint Parse(string address, int defaultPort = 0, string paramName = "address")
    {
        ArgumentNullException.ThrowIfNull(address, paramName);
        ValidateDefaultPort(defaultPort);
        string? error = TryParseCore(address, defaultPort, out EndPoint? endPoint);
        if (error is not null)
        {
            throw new FormatException($"{paramName}: '{address}' {error}.");
        }

        return endPoint!;
    }

    /// <summary>Parses an address string into an endpoint without throwing on bad input.</summary>
    /// <param name="address">The address, in one of the forms listed on <see cref="NetAddress"/>; <c>null</c> fails.</param>
    /// <param name="defaultPort">The port used when <paramref name="address"/> has none.</param>
    /// <param name="endPoint">The endpoint when parsing succeeds; otherwise <c>null</c>.</param>
    /// <returns><c>true</c> when <paramref name="address"/> is valid.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="defaultPort"/> is outside 0..65535. Like <see cref="int.TryParse(string, NumberStyles, IFormatProvider, out int)"/>
    /// with a bad style, this is a caller bug rather than bad input, so it throws; the address itself never makes this method throw.
    /// </exception>
    public static bool TryParse(string? address, int defaultPort, out EndPoint? endPoint)
    {
        ValidateDefaultPort(defaultPort);
        endPoint = null;
        return address is not null && TryParseCore(address, defaultPort, out endPoint) is null;
    }

    /// <summary>Formats an endpoint in the syntax <see cref="Parse"/> reads back.</summary>
    /// <param name="endPoint">The endpoint.</param>
    /// <returns>
    /// <c>1.2.3.4:80</c>, <c>[::1]:80</c> (with <c>%scope</c> when set), <c>host:80</c>, <c>unix:/path</c>, or
    /// <c>unix:@name</c> for an abstract socket.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="endPoint"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="endPoint"/> is not one of the three supported types.</exception>
    public static string Format(EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return endPoint switch
        {
            IPEndPoint ip when ip.AddressFamily == AddressFamily.InterNetworkV6 =>
                string.Create(CultureInfo.InvariantCulture, $"[{ip.Address}]:{ip.Port}"),
            IPEndPoint ip => string.Create(CultureInfo.InvariantCulture, $"{ip.Address}:{ip.Port}"),
            DnsEndPoint dns when dns.Host.Contains(':', StringComparison.Ordinal) =>
                string.Create(CultureInfo.InvariantCulture, $"[{dns.Host}]:{dns.Port}"),
            DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
            UnixDomainSocketEndPoint unix => FormatUnix(unix),
            _ => throw new ArgumentException(
                $"{endPoint.GetType().FullName} is not supported; expected IPEndPoint, DnsEndPoint or UnixDomainSocketEndPoint.",
                nameof(endPoint)),
        };
    }

    /// <summary>Tells whether a string is an IP address, with the same answers as Node's <c>net.isIP</c>.</summary>
    /// <param name="input">The string to test; <c>null</c> and empty give 0.</param>
    /// <returns>4 for an IPv4 address, 6 for an IPv6 address, otherwise 0.</returns>
    public static int IsIP(string? input) => IsIPv4(input) ? 4 : IsIPv6(input) ? 6 : 0;

    /// <summary>
    /// Tells whether a string is a strict IPv4 dotted quad, as Node's <c>net.isIPv4</c>: four decimal parts 0..255 with no
    /// leading zeros. Unlike <see cref="IPAddress.TryParse(string, out IPAddress)"/>, <c>1.2.3</c>, <c>01.2.3.4</c> and
    /// <c>0x7f.0.0.1</c> are rejected.
    /// </summary>
    /// <param name="input">The string to test; <c>null</c> gives <c>false</c>.</param>
    /// <returns><c>true</c> for a dotted quad.</returns>
    public static bool IsIPv4(string? input)
    {
        if (string.IsNullOrEmpty(input))
        {
            return false;
        }

        ReadOnlySpan<char> rest = input;
        for (int part = 0; part < 4; part++)
        {
            int dot = rest.IndexOf('.');
            ReadOnlySpan<char> digits = part < 3 ? (dot < 0 ? [] : rest[..dot]) : rest;
            if (digits.IsEmpty || digits.Length > 3 || !IsAsciiDigits(digits) || (digits.Length > 1 && digits[0] == '0')
                || int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }

            rest = part < 3 ? rest[(dot + 1)..] : [];
        }

        return true;
    }

    /// <summary>
    /// Tells whether a string is an IPv6 address, as Node's <c>net.isIPv6</c>: no brackets, and an optional zone id
    /// (<c>fe80::1%eth0</c>) of letters, digits, <c>-</c>, <c>.</c> or <c>:</c> that need not name a real interface.
    /// </summary>
    /// <param name="input">The string to test; <c>null</c> gives <c>false</c>.</param>
    /// <returns><c>true</c> for an IPv6 address.</returns>
    public static bool IsIPv6(string? input)
    {
        if (string.IsNullOrEmpty(input) || input[0] == '[')
        {
            return false;
        }

        ReadOnlySpan<char> address = input;
        int percent = address.IndexOf('%');
        if (percent >= 0)
        {
            // IPAddress.TryParse accepts an empty zone and a second '%'; Node's zone grammar does not.
            ReadOnlySpan<char> zone = address[(percent + 1)..];
            if (zone.IsEmpty || zone.ContainsAnyExcept(s_zoneChars))
            {
                return false;
            }

            address = address[..percent];
        }

        // Parsed without the zone so the answer never depends on which interfaces this machine has.
        return address.Contains(':')
            && IPAddress.TryParse(address, out IPAddress? parsed)
            && parsed.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static void ValidateDefaultPort(int defaultPort)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(defaultPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(defaultPort, IPEndPoint.MaxPort);
    }

    /// <summary>Returns <c>null</c> on success, otherwise what is wrong, phrased to follow "'address' ".</summary>
    private static string? TryParseCore(string address, int defaultPort, out EndPoint? endPoint)
    {
        endPoint = null;
        if (string.IsNullOrWhiteSpace(address))
        {
            return "is empty or only whitespace";
        }

        if (address.StartsWith(UnixPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return TryParseUnix(address[UnixPrefix.Length..], out endPoint);
        }

        if (address[0] is '/' or '@' || address.StartsWith("./", StringComparison.Ordinal)
            || address.StartsWith("../", StringComparison.Ordinal))
        {
            return TryParseUnix(address, out endPoint);
        }

        if (address[0] == '[')
        {
            return TryParseBracketed(address, defaultPort, out endPoint);
        }

        ReadOnlySpan<char> afterColon = address[0] == ':' ? address.AsSpan(1) : address;
        if (!afterColon.IsEmpty && IsAsciiDigits(afterColon))
        {
            return TryParsePort(afterColon, out int barePort, out string? barePortError)
                ? Success(new IPEndPoint(IPAddress.Any, barePort), out endPoint)
                : barePortError;
        }

        int colon = address.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && address.IndexOf(':', colon + 1) >= 0)
        {
            return TryParseIPv6(address, out IPAddress? ipv6, "has more than one ':' but is not an IPv6 address (write [address]:port to give a port)")
                ?? Success(new IPEndPoint(ipv6!, defaultPort), out endPoint);
        }

        int port = defaultPort;
        string host = address;
        if (colon >= 0)
        {
            host = address[..colon];
            if (!TryParsePort(address.AsSpan(colon + 1), out port, out string? portError))
            {
                return portError;
            }
        }

        if (host.Equals("*", StringComparison.Ordinal) || host.Equals("any", StringComparison.OrdinalIgnoreCase))
        {
            return Success(new IPEndPoint(IPAddress.IPv6Any, port), out endPoint);
        }

        if (host.Equals("any4", StringComparison.OrdinalIgnoreCase))
        {
            return Success(new IPEndPoint(IPAddress.Any, port), out endPoint);
        }

        if (IsIPv4(host))
        {
            return Success(new IPEndPoint(IPAddress.Parse(host), port), out endPoint);
        }

        return ValidateHostName(host) ?? Success(new DnsEndPoint(host, port), out endPoint);
    }

    private static string? TryParseBracketed(string address, int defaultPort, out EndPoint? endPoint)
    {
        endPoint = null;
        int close = address.IndexOf(']', StringComparison.Ordinal);
        if (close < 0)
        {
            return "is missing the ']' that closes the IPv6 address";
        }

        string inner = address[1..close];
        string? error = TryParseIPv6(inner, out IPAddress? ipv6, $"has '{inner}' in brackets, which is not an IPv6 address");
        if (error is not null)
        {
            return error;
        }

        ReadOnlySpan<char> rest = address.AsSpan(close + 1);
        int port = defaultPort;
        if (!rest.IsEmpty)
        {
            if (rest[0] != ':')
            {
                return $"has '{rest}' after ']' where ':port' or nothing was expected";
            }

            if (!TryParsePort(rest[1..], out port, out string? portError))
            {
                return portError;
            }
        }

        return Success(new IPEndPoint(ipv6!, port), out endPoint);
    }

    private static string? TryParseIPv6(string text, out IPAddress? address, string notIPv6Error)
    {
        address = null;
        if (!IsIPv6(text))
        {
            return notIPv6Error;
        }

        address = IPAddress.Parse(text);
        int percent = text.IndexOf('%', StringComparison.Ordinal);
        if (percent >= 0 && address.ScopeId == 0 && !IsZeroScope(text.AsSpan(percent + 1)))
        {
            // IPAddress.Parse quietly drops a zone it cannot resolve; a link-local address without its
            // interface would then bind or connect somewhere the caller did not ask for.
            return $"has zone '{text[(percent + 1)..]}', which is neither a network interface on this machine nor a scope number";
        }

        return null;
    }

    private static bool IsZeroScope(ReadOnlySpan<char> zone) => IsAsciiDigits(zone) && !zone.ContainsAnyExcept('0');

    private static string? TryParseUnix(string path, out EndPoint? endPoint)
    {
        endPoint = null;
        bool isAbstract = path.StartsWith('@');
        string name = isAbstract ? path[1..] : path;
        if (name.Length == 0)
        {
            return isAbstract ? "has an empty abstract socket name" : "has an empty Unix socket path";
        }

        if (name.Contains('\0', StringComparison.Ordinal))
        {
            return "has a Unix socket path containing a NUL character";
        }

        int bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > MaxUnixPathBytes)
        {
            return $"has a Unix socket {(isAbstract ? "name" : "path")} of {bytes} bytes (UTF-8); Linux allows at most {MaxUnixPathBytes}";
        }

        return Success(new UnixDomainSocketEndPoint(isAbstract ? "\0" + name : name), out endPoint);
    }

    private static bool TryParsePort(ReadOnlySpan<char> text, out int port, out string? error)
    {
        port = 0;
        error = null;
        if (text.IsEmpty)
        {
            error = "has an empty port";
        }
        else if (!IsAsciiDigits(text))
        {
            error = $"has port '{text}', which is not a decimal number";
        }
        else if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > IPEndPoint.MaxPort)
        {
            error = $"has port {text} outside 0..{IPEndPoint.MaxPort}";
        }

        return error is null;
    }

    private static string? ValidateHostName(string host)
    {
        // One trailing dot marks a fully qualified name; it is not part of the 253-character limit.
        ReadOnlySpan<char> name = host.EndsWith('.') ? host.AsSpan(0, host.Length - 1) : host;
        int bad = name.IndexOfAnyExcept(s_hostChars);
        if (bad >= 0 && name[bad] != '.')
        {
            return $"has host '{host}' with '{name[bad]}', which is not allowed in a host name";
        }

        if (name.Length > MaxHostNameLength)
        {
            return $"has a host name of {name.Length} characters; DNS allows at most {MaxHostNameLength}";
        }

        ReadOnlySpan<char> label = default;
        foreach (Range range in name.Split('.'))
        {
            label = name[range];
            if (label.IsEmpty)
            {
                return $"has host '{host}' with an empty label";
            }

            if (label.Length > MaxLabelLength)
            {
                return $"has a label of {label.Length} characters in its host name; DNS allows at most {MaxLabelLength}";
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                return $"has label '{label}', which starts or ends with '-'";
            }
        }

        // A numeric last label means the caller meant an IPv4 address (1.2.3, 256.1.1.1, 01.2.3.4); resolvers
        // would hand such names to inet_aton and connect somewhere surprising, so say what is wrong instead.
        if (IsAsciiDigits(label))
        {
            return $"has host '{host}', which is not a valid IPv4 address (four decimal parts 0..255 without leading zeros)";
        }

        return null;
    }

    private static string FormatUnix(UnixDomainSocketEndPoint endPoint)
    {
        // ToString shows an abstract name as "@name", and a relative path that really starts with '@' the same
        // way; the serialized sun_path tells them apart (an abstract name starts with NUL).
        SocketAddress address = endPoint.Serialize();
        bool isAbstract = address.Size > 2 && address[2] == 0;
        string text = endPoint.ToString();
        return isAbstract || !text.StartsWith('@') ? UnixPrefix + text : UnixPrefix + "./" + text;
    }

    private static bool IsAsciiDigits(ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('0', '9');

    private static string? Success(EndPoint value, out EndPoint? endPoint)
    {
        endPoint = value;
        return null;
    }
}
