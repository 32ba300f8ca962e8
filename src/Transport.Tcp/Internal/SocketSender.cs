using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// Sends the output pipe's segments as they are: one buffer directly, several as one gathered send
/// (writev), never copied into a staging buffer.
/// </summary>
internal sealed class SocketSender(PipeScheduler ioScheduler) : SocketAwaitableEventArgs(ioScheduler)
{
    private readonly List<ArraySegment<byte>> _segments = [];

    public ValueTask<SocketOperationResult> SendAsync(Socket socket, in ReadOnlySequence<byte> buffers)
    {
        if (buffers.IsSingleSegment || !TryGather(buffers))
        {
            // A segment not backed by an array cannot join a gathered send; sending the first segment
            // alone is still correct because the send loop advances by the bytes actually sent.
            return SendAsync(socket, buffers.First);
        }

        if (Buffer is not null || MemoryBuffer.Length != 0)
        {
            SetBuffer(null, 0, 0);
        }

        BufferList = _segments;
        return Complete(socket.SendAsync(this));
    }

    /// <summary>Clears the gathered segments so the sender holds no reference to pipe memory between sends.</summary>
    public void Reset()
    {
        if (BufferList is not null)
        {
            BufferList = null;
            _segments.Clear();
        }
        else
        {
            SetBuffer(null, 0, 0);
        }
    }

    private ValueTask<SocketOperationResult> SendAsync(Socket socket, ReadOnlyMemory<byte> buffer)
    {
        if (BufferList is not null)
        {
            BufferList = null;
        }

        SetBuffer(MemoryMarshal.AsMemory(buffer));
        return Complete(socket.SendAsync(this));
    }

    private bool TryGather(in ReadOnlySequence<byte> buffers)
    {
        _segments.Clear();
        foreach (ReadOnlyMemory<byte> segment in buffers)
        {
            if (!MemoryMarshal.TryGetArray(segment, out ArraySegment<byte> array))
            {
                _segments.Clear();
                return false;
            }

            _segments.Add(array);
        }

        return true;
    }
}
