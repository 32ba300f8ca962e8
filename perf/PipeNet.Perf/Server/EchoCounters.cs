using System.Runtime.InteropServices;

namespace PipeNet.Perf.Server;

/// <summary>
/// Server-side counters every echo server keeps the same way, so their cost is the same for all three.
/// Striped by thread so two cores bumping them do not fight over one cache line.
/// </summary>
internal sealed class EchoCounters
{
    private const int Stripes = 16; // a power of two

    private readonly Cell[] _cells = new Cell[Stripes];
    private long _accepted;
    private long _active;
    private long _exceptions;

    public long Accepted => Volatile.Read(ref _accepted);

    public long Active => Volatile.Read(ref _active);

    /// <summary>First-chance exceptions in the whole process: an exception thrown and caught per message or per connection is a cost worth seeing.</summary>
    public long Exceptions => Volatile.Read(ref _exceptions);

    public long BytesEchoed
    {
        get
        {
            long total = 0;
            for (int i = 0; i < Stripes; i++)
            {
                total += Volatile.Read(ref _cells[i].Bytes);
            }

            return total;
        }
    }

    public long Reads
    {
        get
        {
            long total = 0;
            for (int i = 0; i < Stripes; i++)
            {
                total += Volatile.Read(ref _cells[i].Reads);
            }

            return total;
        }
    }

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _accepted);
        Interlocked.Increment(ref _active);
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _active);

    public void ExceptionThrown() => Interlocked.Increment(ref _exceptions);

    /// <summary>One read handed <paramref name="bytes"/> to the application, which echoed them.</summary>
    public void Echoed(long bytes)
    {
        ref Cell cell = ref _cells[Environment.CurrentManagedThreadId & (Stripes - 1)];
        Interlocked.Add(ref cell.Bytes, bytes);
        Interlocked.Increment(ref cell.Reads);
    }

    // 128 bytes apart: adjacent-line prefetch pulls cache lines in pairs on x86.
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Cell
    {
        [FieldOffset(0)]
        public long Bytes;

        [FieldOffset(8)]
        public long Reads;
    }
}
