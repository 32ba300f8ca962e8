using System.Net;

namespace PipeNet;

/// <summary>Describes a connection the dispatcher refused (Node's <c>drop</c> event).</summary>
/// <param name="localEndPoint">The address the connection arrived on.</param>
/// <param name="remoteEndPoint">The peer's address.</param>
/// <param name="maxConnections">The limit in force when it arrived.</param>
public sealed class ConnectionDroppedEventArgs(EndPoint? localEndPoint, EndPoint? remoteEndPoint, int maxConnections) : EventArgs
{
    /// <summary>The address the connection arrived on.</summary>
    public EndPoint? LocalEndPoint { get; } = localEndPoint;

    /// <summary>The peer's address.</summary>
    public EndPoint? RemoteEndPoint { get; } = remoteEndPoint;

    /// <summary>The <see cref="ConnectionDispatcherOptions.MaxConnections"/> limit in force when it arrived.</summary>
    public int MaxConnections { get; } = maxConnections;
}
