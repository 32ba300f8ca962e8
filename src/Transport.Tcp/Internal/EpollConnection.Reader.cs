using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;
using PipeNet.Transport.Tcp.Internal.Epoll;

namespace PipeNet.Transport.Tcp.Internal;

internal sealed partial class EpollConnection
{
    /// <summary>
    /// The input: a chain of pool blocks holding what the application has not consumed, filled by <c>recv</c>
    /// when the application reads and everything buffered was examined.
    /// </summary>
    /// <remarks>
    /// One thread owns the buffers at a time: the application between its reads, or, while a read waits, whoever
    /// takes the wait (the loop on an edge, a cancellation, the close). The hand-over is one interlocked flag.
    /// </remarks>
    private sealed class Reader(EpollConnection connection, bool toThreadPool) : PipeReader, IValueTaskSource<ReadResult>
    {
        // A receive goes into the last block while this much room is left in it, else into a fresh block.
        private const int MinReceiveSpace = 4096;

        private ManualResetValueTaskSourceCore<ReadResult> _core = new() { RunContinuationsAsynchronously = toThreadPool };
        private PinnedBlock? _head;
        private PinnedBlock? _tail;
        private int _headStart;
        private long _examined;
        private Exception? _error;
        private int _sequence;
        private int _seen;
        private int _waiting;
        private bool _drained;
        private bool _ended;
        private bool _completed;
        private bool _directionEnded;
        private volatile bool _sticky;
        private volatile bool _closed;
        private volatile bool _cancelRequested;

        private enum Outcome
        {
            /// <summary>Bytes arrived, or the input ended: there is something to return.</summary>
            Ready,

            /// <summary>The socket is drained: wait for the next edge.</summary>
            WouldBlock,

            /// <summary>The application left <c>MaxReadBufferSize</c> unconsumed: wait for it (or a cancel, or the close).</summary>
            Full,
        }

        private ReadOnlySequence<byte> Buffer => _head is null ? default : new ReadOnlySequence<byte>(_head, _headStart, _tail!, _tail!.Length);

        private long End => _tail is null ? 0 : _tail.IndexOf(_tail.Length);

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            ThrowIfCompleted();
            if (Volatile.Read(ref _waiting) != 0)
            {
                throw new InvalidOperationException("A read is already pending: wait for it before reading again.");
            }

            // Bytes or the end at hand (buffered, or one receive away): answered without the value-task source.
            if (TryTakeResult(out ReadResult result))
            {
                return new ValueTask<ReadResult>(result);
            }

            cancellationToken.ThrowIfCancellationRequested();
            Outcome outcome = Receive();
            if (outcome == Outcome.Ready && TryTakeResult(out result))
            {
                return new ValueTask<ReadResult>(result);
            }

            // The read waits: from here it is one operation of the source, which only this method resets.
            _core.Reset();
            short version = _core.Version;
            if (cancellationToken.CanBeCanceled)
            {
                // Registered before the wait is published: a cancellation that fires in between finds no waiter,
                // and the check below catches it.
                connection.Extras.ReadCancellation = cancellationToken.UnsafeRegister(static (state, token) => ((Reader)state!).OnCancelled(token), this);
            }

            bool handedOver = Wait(outcome == Outcome.Full);
            if (cancellationToken.IsCancellationRequested && (!handedOver || Interlocked.Exchange(ref _waiting, 0) != 0))
            {
                _core.SetException(new OperationCanceledException(cancellationToken));
            }
            else if (!handedOver)
            {
                Resume(); // Something came meanwhile: this thread still holds the read.
            }

            return new ValueTask<ReadResult>(this, version);
        }

        public override bool TryRead(out ReadResult result)
        {
            ThrowIfCompleted();
            if (Volatile.Read(ref _waiting) != 0)
            {
                throw new InvalidOperationException("A read is already pending: wait for it before reading again.");
            }

            if (TryTakeResult(out result) || Receive() == Outcome.Ready && TryTakeResult(out result))
            {
                return true;
            }

            result = default;
            return false;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            ThrowIfCompleted();
            if (_head is null)
            {
                if (consumed.GetObject() is null && examined.GetObject() is null)
                {
                    return; // The empty buffer of a read that returned nothing.
                }

                throw InvalidPosition();
            }

            PinnedBlock consumedBlock = consumed.GetObject() as PinnedBlock ?? throw InvalidPosition();
            long consumedIndex = consumedBlock.IndexOf(consumed.GetInteger());
            long examinedIndex = examined.GetObject() is PinnedBlock examinedBlock ? examinedBlock.IndexOf(examined.GetInteger()) : consumedIndex;
            if (consumedIndex < _head.IndexOf(_headStart) || examinedIndex < consumedIndex || examinedIndex > End || !Holds(consumedBlock))
            {
                throw InvalidPosition();
            }

            _examined = examinedIndex;
            while (_head != consumedBlock)
            {
                DropHead();
            }

            _headStart = consumed.GetInteger();
            while (_head != _tail && _headStart == _head!.Length)
            {
                DropHead();
            }

            if (_head == _tail && _headStart == _tail!.Length)
            {
                // Everything consumed: an idle connection holds no block.
                _tail.Dispose();
                _head = _tail = null;
                _headStart = 0;
                _examined = 0;
            }
        }

        public override void CancelPendingRead()
        {
            _cancelRequested = true;
            if (Interlocked.Exchange(ref _waiting, 0) != 0)
            {
                Resume();
            }
        }

        public override void Complete(Exception? exception = null)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;

            // Not for concurrent use (as any PipeReader), but a read left waiting is ended rather than left to an
            // edge that would receive into blocks given back below.
            if (Interlocked.Exchange(ref _waiting, 0) != 0)
            {
                _core.SetResult(new ReadResult(default, isCanceled: false, isCompleted: true));
            }

            for (PinnedBlock? block = _head; block is not null;)
            {
                PinnedBlock? next = (PinnedBlock?)block.Next;
                block.Dispose();
                block = next;
            }

            _head = _tail = null;
            EndDirection();
        }

        /// <summary>
        /// Before a graceful close of a connection whose application stopped reading: what the peer sent and nobody
        /// read is received and dropped, so that the close sends FIN (Linux resets a socket closed with unread data,
        /// and the peer would see ECONNRESET). Bounded: a peer still flooding gets its reset.
        /// </summary>
        public void DiscardUnread()
        {
            if (_ended || _closed)
            {
                return; // The peer's FIN or an error was seen, or the socket is gone: nothing is left to drop.
            }

            PinnedBlock block = connection.Pool.RentBlock();
            try
            {
                Span<byte> scratch = ((IMemoryOwner<byte>)block).Memory.Span;
                for (int i = 0; i < 64; i++)
                {
                    if (LinuxInterop.Receive(connection.Handle, scratch, out int bytes) != SocketError.Success || bytes < scratch.Length)
                    {
                        break;
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                // Closed meanwhile (an abort): nothing to do.
            }
            finally
            {
                block.Dispose();
            }
        }

        /// <summary>On the loop's thread: a read edge.</summary>
        /// <param name="sticky">A hang-up or the peer's FIN: no further edge is due, so receive until recv says so.</param>
        public void OnReadable(bool sticky)
        {
            if (sticky)
            {
                _sticky = true;
            }

            Interlocked.Increment(ref _sequence);
            if (Volatile.Read(ref _waiting) != 0 && Interlocked.Exchange(ref _waiting, 0) != 0)
            {
                Resume();
            }
        }

        /// <summary>The socket was closed (on any thread): a waiting read ends, on the thread pool.</summary>
        public void OnClosed()
        {
            _core.RunContinuationsAsynchronously = true;
            _closed = true;
            if (Interlocked.Exchange(ref _waiting, 0) != 0)
            {
                Resume();
            }
        }

        ReadResult IValueTaskSource<ReadResult>.GetResult(short token)
        {
            if (connection._rarely is { } rarely)
            {
                rarely.ReadCancellation.Dispose();
                rarely.ReadCancellation = default;
            }

            return _core.GetResult(token);
        }

        ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _core.GetStatus(token);

        void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);

        private static InvalidOperationException InvalidPosition() =>
            new("AdvanceTo: the position is not in the buffer of the last read, or examined is before consumed.");

        private void ThrowIfCompleted()
        {
            if (_completed)
            {
                throw new InvalidOperationException("Reading is not allowed after the reader was completed.");
            }
        }

        private bool Holds(PinnedBlock block)
        {
            for (PinnedBlock? current = _head; current is not null; current = (PinnedBlock?)current.Next)
            {
                if (current == block)
                {
                    return true;
                }
            }

            return false;
        }

        private void DropHead()
        {
            PinnedBlock head = _head!;
            _head = (PinnedBlock?)head.Next;
            _headStart = 0;
            head.Dispose();
        }

        /// <summary>What a read returns without a syscall: a cancel, bytes not yet examined, or the end; throws the receive's error.</summary>
        private bool TryTakeResult(out ReadResult result)
        {
            if (_cancelRequested)
            {
                _cancelRequested = false;
                result = new ReadResult(Buffer, isCanceled: true, isCompleted: false);
                return true;
            }

            if (End > _examined)
            {
                result = new ReadResult(Buffer, isCanceled: false, isCompleted: _ended && _error is null);
                return true;
            }

            if (_error is not null)
            {
                ExceptionDispatchInfo.Throw(_error);
            }

            result = new ReadResult(Buffer, isCanceled: false, isCompleted: true);
            return _ended;
        }

        /// <summary>One non-blocking receive into the buffer, unless the last one drained the socket and no edge came since.</summary>
        private Outcome Receive()
        {
            if (_ended)
            {
                return Outcome.Ready;
            }

            if (_closed)
            {
                EndInput(connection.ClosedError());
                return Outcome.Ready;
            }

            long limit = connection._ioLoop.InputOptions.PauseWriterThreshold;
            if (limit > 0 && _head is not null && End - _head.IndexOf(_headStart) >= limit)
            {
                return Outcome.Full;
            }

            if (_drained && !_sticky && Volatile.Read(ref _sequence) == _seen)
            {
                return Outcome.WouldBlock;
            }

            _seen = Volatile.Read(ref _sequence);
            PinnedBlock? tail = _tail;
            PinnedBlock block = tail is not null && tail.Capacity - tail.Length >= MinReceiveSpace ? tail : connection.Pool.RentBlock();
            Span<byte> free = block.Free;
            SocketError status;
            int bytes;
            try
            {
                status = LinuxInterop.Receive(connection.Handle, free, out bytes);
            }
            catch (ObjectDisposedException)
            {
                (status, bytes) = (SocketError.OperationAborted, 0);
            }

            if (status != SocketError.Success || bytes == 0)
            {
                if (block != tail)
                {
                    block.Dispose();
                }

                if (status == SocketError.WouldBlock)
                {
                    _drained = true;
                    return Outcome.WouldBlock;
                }

                if (status == SocketError.Success)
                {
                    // The peer sent FIN: the input ends, the output stays writable (half-open).
                    connection.PeerClosed();
                    EndInput(null);
                }
                else
                {
                    EndInput(connection.ReceiveError(new SocketException((int)status)));
                }

                return Outcome.Ready;
            }

            // A receive that filled the space may have left more behind: the next read tries again at once.
            _drained = bytes < free.Length;
            if (block != tail)
            {
                if (tail is null)
                {
                    _head = block;
                    _headStart = 0;
                }
                else
                {
                    tail.Append(block);
                }

                _tail = block;
            }

            block.SetLength(block.Length + bytes);
            connection.AddBytesRead(bytes);
            return Outcome.Ready;
        }

        private void EndInput(Exception? error)
        {
            _ended = true;
            _error = error;
            EndDirection();
        }

        private void EndDirection()
        {
            if (!_directionEnded)
            {
                _directionEnded = true;
                connection.ReceiveEnded = true;
                connection.DirectionEnded();
            }
        }

        /// <summary>Hands the waiting read to the next edge; <c>false</c> when something came meanwhile and this thread keeps it (receive again instead).</summary>
        private bool Wait(bool full)
        {
            Interlocked.Exchange(ref _waiting, 1);

            // Published first, checked after: either the edge's thread sees the waiter, or this sees its edge.
            bool changed = _cancelRequested || _closed || (!full && (_sticky || Volatile.Read(ref _sequence) != _seen));
            return !changed || Interlocked.Exchange(ref _waiting, 0) == 0;
        }

        /// <summary>
        /// On the thread that holds the waiting read (the reader itself first, then an edge, a cancel or the close):
        /// receive until there is an answer for it, or hand it to the next edge again. The operation stays the same
        /// one throughout, so its continuation is never lost.
        /// </summary>
        private void Resume()
        {
            while (true)
            {
                try
                {
                    if (TryTakeResult(out ReadResult result))
                    {
                        _core.SetResult(result);
                        return;
                    }
                }
                catch (Exception ex)
                {
                    _core.SetException(ex);
                    return;
                }

                Outcome outcome = Receive();
                if (outcome != Outcome.Ready && Wait(outcome == Outcome.Full))
                {
                    return;
                }
            }
        }

        private void OnCancelled(CancellationToken token)
        {
            if (Interlocked.Exchange(ref _waiting, 0) != 0)
            {
                _core.SetException(new OperationCanceledException(token));
            }
        }
    }
}
