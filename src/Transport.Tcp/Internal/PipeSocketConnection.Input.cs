using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace PipeNet.Transport.Tcp.Internal;

internal sealed partial class PipeSocketConnection
{
    // A Pipe's pause threshold counts bytes the reader has not *examined*: an application that examines everything
    // and consumes nothing (a parser waiting for the rest of a message) would let the receive loop fill memory
    // without bound. The application's reader therefore counts what it consumes, and the receive loop also stops at
    // MaxReadBufferSize unconsumed bytes (resuming at half), as the epoll engine does.
    private readonly long _maxUnconsumed;
    private long _received;
    private long _consumed;
    private TaskCompletionSource? _roomWaiter;
    private bool _roomClosed;

    /// <summary>In the receive loop, after <paramref name="bytes"/> were committed: waits while the application holds too much unconsumed.</summary>
    private ValueTask WaitForRoomAsync(int bytes)
    {
        long received = Volatile.Read(ref _received) + bytes;
        Volatile.Write(ref _received, received);
        if (_maxUnconsumed == 0 || received - Interlocked.Read(ref _consumed) < _maxUnconsumed)
        {
            return default;
        }

        TaskCompletionSource waiter;
        lock (Lock)
        {
            if (_roomClosed || received - Interlocked.Read(ref _consumed) < _maxUnconsumed)
            {
                return default;
            }

            waiter = _roomWaiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return new ValueTask(waiter.Task);
    }

    /// <summary>From the application's reader: <paramref name="bytes"/> consumed.</summary>
    private void Consumed(long bytes)
    {
        long consumed = Interlocked.Add(ref _consumed, bytes);
        if (Volatile.Read(ref _roomWaiter) is null)
        {
            return;
        }

        lock (Lock)
        {
            if (_roomWaiter is { } waiter && Volatile.Read(ref _received) - consumed <= _maxUnconsumed / 2)
            {
                _roomWaiter = null;
                waiter.TrySetResult();
            }
        }
    }

    /// <summary>The application stopped reading, or the socket closed: the receive loop must not wait for room.</summary>
    private void ReleaseRoomWaiter()
    {
        lock (Lock)
        {
            _roomClosed = true;
            TaskCompletionSource? waiter = _roomWaiter;
            _roomWaiter = null;
            waiter?.TrySetResult();
        }
    }

    /// <summary>The application's side of the input pipe, counting what the application consumes.</summary>
    private sealed class ConsumingReader(PipeSocketConnection connection, PipeReader inner) : PipeReader
    {
        private ReadOnlySequence<byte> _last;

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            ValueTask<ReadResult> read = inner.ReadAsync(cancellationToken);
            if (read.IsCompletedSuccessfully)
            {
                ReadResult result = read.Result;
                _last = result.Buffer;
                return new ValueTask<ReadResult>(result);
            }

            return RememberAsync(read);
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result))
            {
                return false;
            }

            _last = result.Buffer;
            return true;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            long bytes = _last.Slice(_last.Start, consumed).Length;
            inner.AdvanceTo(consumed, examined);
            _last = default;
            if (bytes > 0)
            {
                connection.Consumed(bytes);
            }
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null)
        {
            inner.Complete(exception);
            connection.ReleaseRoomWaiter();
        }

        public override ValueTask CompleteAsync(Exception? exception = null)
        {
            connection.ReleaseRoomWaiter();
            return inner.CompleteAsync(exception);
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<ReadResult> RememberAsync(ValueTask<ReadResult> read)
        {
            ReadResult result = await read.ConfigureAwait(false);
            _last = result.Buffer;
            return result;
        }
    }
}
