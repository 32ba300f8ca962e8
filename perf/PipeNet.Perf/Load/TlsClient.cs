using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace PipeNet.Perf.Load;

/// <summary>The load generator's TLS side: a full handshake over a connected socket, trusting the servers' throwaway certificate.</summary>
internal static class TlsClient
{
    private static readonly SslClientAuthenticationOptions s_options = new()
    {
        TargetHost = "localhost",
        EnabledSslProtocols = SslProtocols.Tls13,

        // The servers generate a self-signed certificate per process; what is measured is the handshake, not trust.
        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
    };

    public static async Task<SslStream> AuthenticateAsync(Socket socket, CancellationToken cancellationToken = default)
    {
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        try
        {
            await stream.AuthenticateAsClientAsync(s_options, cancellationToken);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }
}
