using System.Net;

namespace PipeNet.Cli;

/// <summary>What <c>pipenet echo</c> was asked to do.</summary>
internal sealed class EchoOptions
{
    /// <summary>The default listen address: loopback only, so a bare <c>pipenet echo</c> is never reachable from outside.</summary>
    public const string DefaultListen = "127.0.0.1:7007";

    /// <summary>The address as parsed; a <see cref="DnsEndPoint"/> is resolved when the server starts.</summary>
    public EndPoint Listen { get; set; } = NetAddress.Parse(DefaultListen);

    /// <summary>At most this many connections at once; <c>null</c> for no limit.</summary>
    public int? MaxConnections { get; set; }

    /// <summary>Close connections silent for this long; <c>null</c> for never.</summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>The server API.</summary>
    public EchoApi Api { get; set; } = EchoApi.Pipe;

    /// <summary>Serve TLS with this PEM certificate (or full chain) file; set together with <see cref="TlsKeyFile"/>.</summary>
    public string? TlsCertFile { get; set; }

    /// <summary>The PEM private key file for <see cref="TlsCertFile"/>.</summary>
    public string? TlsKeyFile { get; set; }
}
