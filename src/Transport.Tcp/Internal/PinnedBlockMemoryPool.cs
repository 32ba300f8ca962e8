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
/// message (one per pipe), which then never touch the shared queue.
/// </remarks>
internal sealed class PinnedBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 16384;

    // 4096 blocks = 64 MiB retained at most; beyond that returned blocks go to the GC.
    private const int MaxRetainedBlocks = 4096;

    [ThreadStatic]
    private static Block? t_first;

    [ThreadStatic]
    private static Block? t_second;

    private readonly ConcurrentQueue<Block> _blocks = new();
    private int _retained;
    private bool _disposed;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
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

        if (_blocks.TryDequeue(out Block? block))
        {
            Interlocked.Decrement(ref _retained);
            return block;
        }

        return new Block(this);
    }

    private void Return(Block block)
    {
        // A slot held by a block of a pool since disposed is free to take.
        if (!Volatile.Read(ref _disposed))
        {
            if (t_first is null || t_first.Pool._disposed)
            {
                t_first = block;
                return;
            }

            if (t_second is null || t_second.Pool._disposed)
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

    private sealed class Block(PinnedBlockMemoryPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);

        public PinnedBlockMemoryPool Pool => pool;

        public Memory<byte> Memory => _array;

        public void Dispose() => pool.Return(this);
    }
}
