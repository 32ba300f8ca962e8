using System.Buffers;
using System.Collections.Concurrent;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// Fixed-size blocks on the pinned object heap, so the kernel can fill and drain them without the GC
/// moving them and without per-operation pinning. Returned blocks are kept for reuse up to a cap, so a
/// burst does not hold its peak memory forever.
/// </summary>
/// <remarks>
/// Each thread keeps the last two blocks it returned: an echo on an I/O loop rents and returns two blocks per
/// message (one per direction), which then never touch the shared queue. A block is also a sequence segment,
/// so the epoll engine chains blocks into a <see cref="ReadOnlySequence{T}"/> with no segment objects of its own.
/// </remarks>
internal sealed class PinnedBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 16384;

    // 4096 blocks = 64 MiB retained at most; beyond that returned blocks go to the GC.
    private const int MaxRetainedBlocks = 4096;

    [ThreadStatic]
    private static PinnedBlock? t_first;

    [ThreadStatic]
    private static PinnedBlock? t_second;

    private readonly ConcurrentQueue<PinnedBlock> _blocks = new();
    private int _retained;
    private bool _disposed;

    private bool IsDisposed => Volatile.Read(ref _disposed);

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        return RentBlock();
    }

    /// <summary>A block of <see cref="BlockSize"/> bytes; <see cref="PinnedBlock.Dispose"/> gives it back.</summary>
    public PinnedBlock RentBlock()
    {
        if (t_first is { } first && first.Pool == this)
        {
            t_first = null;
            return first;
        }

        if (t_second is { } second && second.Pool == this)
        {
            t_second = null;
            return second;
        }

        if (_blocks.TryDequeue(out PinnedBlock? block))
        {
            Interlocked.Decrement(ref _retained);
            return block;
        }

        return new PinnedBlock(this, BlockSize);
    }

    internal void Return(PinnedBlock block)
    {
        // A slot held by a block of a pool since disposed is free to take.
        if (!Volatile.Read(ref _disposed))
        {
            if (t_first is null || t_first.Pool!.IsDisposed)
            {
                t_first = block;
                return;
            }

            if (t_second is null || t_second.Pool!.IsDisposed)
            {
                t_second = block;
                return;
            }
        }

        if (Volatile.Read(ref _disposed) || Interlocked.Increment(ref _retained) > MaxRetainedBlocks)
        {
            if (!Volatile.Read(ref _disposed))
            {
                Interlocked.Decrement(ref _retained);
            }

            return;
        }

        _blocks.Enqueue(block);
    }

    protected override void Dispose(bool disposing)
    {
        Volatile.Write(ref _disposed, true);
        _blocks.Clear();
    }
}
