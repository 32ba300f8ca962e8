using System.Net.Sockets;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>The outcome of one socket operation: bytes moved, or the error (reported as a value, not thrown).</summary>
internal readonly struct SocketOperationResult
{
    public SocketOperationResult(int bytesTransferred)
    {
        BytesTransferred = bytesTransferred;
        Error = null;
    }

    public SocketOperationResult(SocketException error)
    {
        BytesTransferred = 0;
        Error = error;
    }

    public int BytesTransferred { get; }

    public SocketException? Error { get; }

    public bool HasError => Error is not null;
}
