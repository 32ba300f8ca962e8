namespace PipeNet.Internal;

/// <summary>Work another thread hands to a socket's event loop, so the socket's events never run concurrently.</summary>
internal enum SocketSignal
{
    Drain = 1,
    Timeout = 2,
    WriteCallbacks = 3,
    Error = 4,
}
