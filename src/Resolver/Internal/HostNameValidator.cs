using System.Buffers;
using System.Net;

namespace PipeNet.Resolver.Internal;

/// <summary>
/// Checks host names before any query leaves the process, so a bad name is the caller's
/// <see cref="ArgumentException"/> naming the value, never a confusing answer from a server.
/// </summary>
/// <remarks>
/// The rules are <see cref="NetAddress"/>'s: ASCII (internationalised names in punycode), at most 253 characters,
/// labels of 1 to 63 letters, digits, hyphens or underscores that neither start nor end with a hyphen, one
/// trailing dot allowed.
/// </remarks>
internal static class HostNameValidator
{
    public const int MaxNameLength = 253;
    public const int MaxLabelLength = 63;

    private static readonly SearchValues<char> s_hostChars =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_");

    /// <summary>Throws when <paramref name="host"/> is not a valid host name; returns it without its trailing dot.</summary>
    public static string Validate(string? host, string paramName)
    {
        ArgumentNullException.ThrowIfNull(host, paramName);
        if (Check(host) is { } problem)
        {
            throw new ArgumentException($"'{Printable(host)}' is not a valid host name: {problem}.", paramName);
        }

        // Only a name written with its root dot pays for a copy; the cache's hot path never does.
        return host.EndsWith('.') ? host[..^1] : host;
    }

    /// <summary>The reason <paramref name="host"/> is invalid, or <c>null</c>.</summary>
    public static string? Check(string host)
    {
        ReadOnlySpan<char> name = host;
        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (name[^1] == '.')
        {
            name = name[..^1];
            if (name.Length == 0)
            {
                return "it is only a dot";
            }
        }

        if (name.Length > MaxNameLength)
        {
            return $"it is {name.Length} characters long, over the limit of {MaxNameLength}";
        }

        int invalid = name.IndexOfAnyExcept(s_hostChars);
        while (invalid >= 0 && name[invalid] == '.')
        {
            int next = name[(invalid + 1)..].IndexOfAnyExcept(s_hostChars);
            invalid = next < 0 ? -1 : invalid + 1 + next;
        }

        if (invalid >= 0)
        {
            char c = name[invalid];
            return c is >= ' ' and <= '~'
                ? $"'{c}' at position {invalid} is not a letter, digit, hyphen, underscore or dot"
                : $"the character U+{(int)c:X4} at position {invalid} is not a letter, digit, hyphen, underscore or dot (give internationalised names in punycode)";
        }

        foreach (Range range in name.Split('.'))
        {
            ReadOnlySpan<char> label = name[range];
            if (label.Length == 0)
            {
                return "it has an empty label (two dots in a row, or a leading dot)";
            }

            if (label.Length > MaxLabelLength)
            {
                return $"the label '{label}' is {label.Length} characters long, over the limit of {MaxLabelLength}";
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                return $"the label '{label}' starts or ends with a hyphen";
            }
        }

        return null;
    }

    /// <summary>Parses an IP address given as text for a reverse lookup, or throws an argument error naming it.</summary>
    public static IPAddress ParseAddress(string? address, string paramName)
    {
        ArgumentNullException.ThrowIfNull(address, paramName);
        if (NetAddress.IsIP(address) == 0 || !IPAddress.TryParse(address, out IPAddress? parsed))
        {
            throw new ArgumentException($"'{Printable(address)}' is not an IP address; a reverse lookup takes an IPv4 or IPv6 address.", paramName);
        }

        return parsed;
    }

    /// <summary>The value as it can be quoted in a message: control characters escaped (a NUL would cut a log line), long values cut.</summary>
    public static string Printable(string value)
    {
        const int MaxShown = 80;
        string shown = value.Length > MaxShown ? value[..MaxShown] + "…" : value;
        return !shown.Any(char.IsControl)
            ? shown
            : string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
    }
}
