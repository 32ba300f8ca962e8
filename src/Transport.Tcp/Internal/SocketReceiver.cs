using System.IO.Pipelines;
using System.Net.Sockets;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>Receives into pipe memory; can also wait for readability without holding a buffer.</summary>
internal sealed class SocketReceiver(PipeScheduler ioScheduler) : SocketAwaitableEventArgs(ioScheduler)
{
    /// <summary>A zero-byte receive: completes when data (or FIN) arrives, with no buffer rented meanwhile.</summary>
    public ValueTask<SocketOperationResult> WaitForDataAsync(Socket socket)
    {
        SetBuffer(Memory<byte>.Empty);
        return Complete(socket.ReceiveAsync(this));
    }

    public ValueTask<SocketOperationResult> ReceiveAsync(Socket socket, Memory<byte> buffer)
    {
        SetBuffer(buffer);
        return Complete(socket.ReceiveAsync(this));
    }
}
