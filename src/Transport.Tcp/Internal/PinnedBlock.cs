using System.Buffers;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// A buffer on the pinned object heap that is also a <see cref="ReadOnlySequenceSegment{T}"/>: the epoll engine's
/// reader and writer chain blocks directly, and the kernel reads and fills them without pinning per call.
/// </summary>
/// <remarks>
/// As a segment its <see cref="ReadOnlySequenceSegment{T}.Memory"/> covers the bytes in use (<see cref="Length"/>);
/// as an <see cref="IMemoryOwner{T}"/> (what a <c>Pipe</c> rents) it is the whole array. A block of a pool goes
/// back to it on <see cref="Dispose"/>; an oversized one (a write larger than a pool block) is left to the GC.
/// </remarks>
internal sealed class PinnedBlock : ReadOnlySequenceSegment<byte>, IMemoryOwner<byte>
{
    private readonly byte[] _array;

    public PinnedBlock(PinnedBlockMemoryPool? pool, int size)
    {
        Pool = pool;
        _array = GC.AllocateUninitializedArray<byte>(size, pinned: true);
    }

    public PinnedBlockMemoryPool? Pool { get; }

    public int Capacity => _array.Length;

    /// <summary>The bytes in use: what the segment's memory covers.</summary>
    public int Length => Memory.Length;

    Memory<byte> IMemoryOwner<byte>.Memory => _array;

    /// <summary>The free space after <see cref="Length"/>.</summary>
    public Span<byte> Free => _array.AsSpan(Length);

    /// <summary>The array from <paramref name="start"/> on, for a writer to fill.</summary>
    public Memory<byte> WritableFrom(int start) => _array.AsMemory(start);

    public void SetLength(int length) => Memory = _array.AsMemory(0, length);

    /// <summary>Links <paramref name="next"/> after this block, numbering it on from this block's length.</summary>
    public void Append(PinnedBlock next)
    {
        next.RunningIndex = RunningIndex + Length;
        Next = next;
    }

    /// <summary>The position <paramref name="index"/> bytes into this block as a running index of its chain.</summary>
    public long IndexOf(int index) => RunningIndex + index;

    /// <summary>Unlinks the block and gives it back to its pool.</summary>
    public void Dispose()
    {
        Next = null;
        RunningIndex = 0;
        Memory = default;
        Pool?.Return(this);
    }
}
