using System.Buffers;

namespace PipeNet.Internal;

/// <summary>
/// Counts what a codec writes into a socket's output, so <c>Send</c> keeps the byte accounting <c>Write</c> has
/// (write callbacks, <c>BytesWritten</c>). One per socket, reused under the write lock: nothing allocated per message.
/// </summary>
internal sealed class CountingBufferWriter : IBufferWriter<byte>
{
    private IBufferWriter<byte>? _target;

    public long Count { get; private set; }

    public void Start(IBufferWriter<byte> target)
    {
        _target = target;
        Count = 0;
    }

    public long Stop()
    {
        _target = null;
        return Count;
    }

    public void Advance(int count)
    {
        _target!.Advance(count);
        Count += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _target!.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => _target!.GetSpan(sizeHint);
}
