using System.Security.Authentication;

namespace PipeNet.Transport.Tls;

/// <summary>TLS version names as rampart and OpenSSL write them, and PipeNet's minimum-version rule.</summary>
public static class TlsProtocols
{
    internal const string RefusedMessage =
        "SSLv3, TLS 1.0 and TLS 1.1 are refused: they rely on broken constructions (SSLv3's padding oracle, " +
        "TLS 1.0's predictable CBC IVs, MD5/SHA-1 handshake hashes) and RFC 8996 deprecates them. Use TLS 1.2 or TLS 1.3.";

    /// <summary>
    /// Parses a minimum version as rampart's <c>sslMinVersion</c> or Node's <c>minVersion</c> writes it:
    /// <c>tls1.2</c>, <c>TLSv1.2</c>, <c>tls1.3</c>, <c>TLSv1.3</c> (case-insensitive). <c>ssl3</c>, <c>tls1</c>
    /// and <c>tls1.1</c> are recognised and refused.
    /// </summary>
    /// <param name="name">The version name.</param>
    /// <returns><see cref="SslProtocols.Tls12"/> or <see cref="SslProtocols.Tls13"/>.</returns>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">SSLv3, TLS 1.0 or TLS 1.1, with the reason.</exception>
    public static SslProtocols Parse(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "tls1.2" or "tlsv1.2" or "tls12" => SslProtocols.Tls12,
            "tls1.3" or "tlsv1.3" or "tls13" => SslProtocols.Tls13,
            "ssl3" or "sslv3" or "tls1" or "tlsv1" or "tls1.0" or "tlsv1.0" or "tls1.1" or "tlsv1.1" or "tls11" =>
                throw new ArgumentOutOfRangeException(nameof(name), name, RefusedMessage),
            _ => throw new ArgumentException($"'{name}' is not a TLS version; expected tls1.2 or tls1.3.", nameof(name)),
        };
    }

    /// <summary>The version's name as OpenSSL prints it (<c>TLSv1.3</c>).</summary>
    /// <param name="protocol">A single protocol.</param>
    /// <returns>The name.</returns>
    public static string Name(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
#pragma warning disable CS0618, SYSLIB0039 // Named only so an old peer's version can be reported.
        SslProtocols.Tls11 => "TLSv1.1",
        SslProtocols.Tls => "TLSv1",
        SslProtocols.Ssl3 => "SSLv3",
#pragma warning restore CS0618, SYSLIB0039
        _ => protocol.ToString(),
    };

    /// <summary>Checks a minimum version and returns it.</summary>
    internal static SslProtocols ValidateMinimum(SslProtocols value, string paramName) => value switch
    {
        SslProtocols.Tls12 or SslProtocols.Tls13 => value,
#pragma warning disable CS0618, SYSLIB0039
        SslProtocols.Ssl3 or SslProtocols.Tls or SslProtocols.Tls11 or SslProtocols.Ssl2 => throw new ArgumentOutOfRangeException(paramName, value, RefusedMessage),
#pragma warning restore CS0618, SYSLIB0039
        _ => throw new ArgumentOutOfRangeException(paramName, value, "The minimum version must be SslProtocols.Tls12 or SslProtocols.Tls13."),
    };

    /// <summary>The protocols enabled from a minimum up.</summary>
    internal static SslProtocols FromMinimum(SslProtocols minimum) =>
        minimum == SslProtocols.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;
}
