using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace PipeNet.Transport.Tls.Internal;

/// <summary>The one place where handshake failures become <see cref="TlsException"/>s with stable codes.</summary>
internal static class TlsErrors
{
    /// <summary>Describes a certificate verification failure; returns the code it maps to.</summary>
    public static (string Code, string Reason) ClassifyCertificate(SslPolicyErrors errors, X509Chain? chain, bool isServerCertificate)
    {
        if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return (NetErrorCode.TlsUntrusted, isServerCertificate ? "the server sent no certificate" : "the client sent no certificate, and one is required");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            X509ChainStatus[] status = chain?.ChainStatus ?? [];
            string details = status.Length == 0 ? "chain error" : string.Join("; ", status.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            bool expired = status.Any(s => (s.Status & X509ChainStatusFlags.NotTimeValid) != 0);
            return expired
                ? (NetErrorCode.TlsExpired, $"the certificate is expired or not yet valid ({details})")
                : (NetErrorCode.TlsUntrusted, $"the certificate is not trusted ({details})");
        }

        return (NetErrorCode.TlsUntrusted, $"the certificate did not verify ({errors})");
    }

    /// <summary>Translates what a failed <c>AuthenticateAs*Async</c> threw.</summary>
    public static TlsException Translate(Exception exception, string side, bool timedOut, TimeSpan timeout, (string Code, string Reason)? certificateFailure,
        string? hostName, ReadOnlyMemory<byte> initialBytes)
    {
        if (exception is TlsException tls)
        {
            return tls;
        }

        if (timedOut)
        {
            return new TlsException(NetErrorCode.TlsHandshakeTimeout, $"{side}: the TLS handshake did not complete within {timeout.TotalMilliseconds:0} ms.", exception) { HostName = hostName, InitialBytes = initialBytes };
        }

        if (certificateFailure is { } failure)
        {
            string message = failure.Code == NetErrorCode.TlsHostnameMismatch
                ? $"{side}: the server's certificate does not name '{hostName}'."
                : $"{side}: {failure.Reason}.";
            return new TlsException(failure.Code, message, exception) { HostName = hostName };
        }

        if (FindNetException(exception) is { } net)
        {
            // The transport failed under the handshake: a reset, or the peer closing mid-handshake.
            return new TlsException(NetErrorCode.TlsHandshakeFailed, $"{side}: the connection failed during the TLS handshake: {net.Code}: {net.Message}", exception) { HostName = hostName, InitialBytes = initialBytes };
        }

        string detail = Describe(exception);
        if (IsProtocolVersionProblem(detail))
        {
            return new TlsException(NetErrorCode.TlsProtocolUnsupported, $"{side}: the peer offers no TLS version allowed here (TLS 1.2 or later): {detail}", exception) { HostName = hostName, InitialBytes = initialBytes };
        }

        if (exception is IOException && initialBytes.IsEmpty)
        {
            return new TlsException(NetErrorCode.TlsHandshakeFailed, $"{side}: the peer closed the connection during the TLS handshake ({detail}).", exception) { HostName = hostName };
        }

        return new TlsException(NetErrorCode.TlsHandshakeFailed, $"{side}: TLS handshake failed: {detail}", exception) { HostName = hostName, InitialBytes = initialBytes };
    }

    private static NetException? FindNetException(Exception? exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is NetException net)
            {
                return net;
            }

            if (e is System.Net.Sockets.SocketException socket)
            {
                return NetException.FromSocketException(socket);
            }

            if (e is Microsoft.AspNetCore.Connections.ConnectionResetException reset)
            {
                return new NetException(NetErrorCode.ConnectionReset, reset.Message, reset);
            }
        }

        return null;
    }

    private static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (!parts.Contains(e.Message))
            {
                parts.Add(e.Message);
            }
        }

        return string.Join(" -> ", parts);
    }

    private static bool IsProtocolVersionProblem(string detail) =>
        detail.Contains("unsupported protocol", StringComparison.OrdinalIgnoreCase)
        || detail.Contains("no protocols available", StringComparison.OrdinalIgnoreCase)
        || detail.Contains("version too low", StringComparison.OrdinalIgnoreCase)
        || detail.Contains("protocol version", StringComparison.OrdinalIgnoreCase)
        || detail.Contains("wrong ssl version", StringComparison.OrdinalIgnoreCase);
}
