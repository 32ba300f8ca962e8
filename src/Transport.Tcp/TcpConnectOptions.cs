using System.Net;

namespace PipeNet.Transport.Tcp;

/// <summary>Per-connection options of <see cref="TcpConnector.ConnectAsync(EndPoint, TcpConnectOptions, CancellationToken)"/>.</summary>
public sealed class TcpConnectOptions
{
    private TimeSpan? _connectTimeout;

    /// <summary>The local address (and port) to bind before connecting; <c>null</c> lets the kernel choose.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public IPEndPoint? LocalEndPoint { get; set; }

    /// <summary>How long the connect may take; <c>null</c> leaves it to the kernel (about two minutes on Linux).</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public TimeSpan? ConnectTimeout
    {
        get => _connectTimeout;
        set => _connectTimeout = value is null || value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), value, "ConnectTimeout must be positive, or null for the kernel's own.");
    }

    /// <summary>TCP_NODELAY; <c>null</c> takes <see cref="TcpTransportOptions.NoDelay"/>.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public bool? NoDelay { get; set; }

    /// <summary>Keep-alive for the new connection; <c>null</c> leaves the kernel's default (off).</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public KeepAliveSettings? KeepAlive { get; set; }
}
