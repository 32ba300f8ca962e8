namespace PipeNet;

/// <summary>Where a <see cref="NetSocket"/> is in its life (Node's <c>readyState</c>).</summary>
public enum ReadyState
{
    /// <summary>Not connected: before <c>Connect</c>, or after <c>close</c>.</summary>
    Closed = 0,
    /// <summary>Connecting.</summary>
    Opening = 1,
    /// <summary>Readable and writable.</summary>
    Open = 2,
    /// <summary>Our side ended (<see cref="NetSocket.End()"/>); still readable.</summary>
    ReadOnly = 3,
    /// <summary>The peer ended its side; still writable (<see cref="SocketOptions.AllowHalfOpen"/>).</summary>
    WriteOnly = 4,
}
