using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using PipeNet.Transport.Tcp.Internal.Epoll;

namespace PipeNet.Transport.Tcp.Internal;

internal sealed partial class EpollConnection
{
    /// <summary>
    /// The output: a chain of pool blocks the application writes into; a flush sends what was written at once
    /// (one gathered <c>sendmsg</c>) and returns when the kernel took it all, or when less than
    /// <c>MaxWriteBufferSize</c> is left, which the loop then sends on the next write edges.
    /// </summary>
    /// <remarks>
    /// The application appends at the tail while the loop may be sending the flushed bytes at the head: the chain,
    /// the flushed end and the counts are guarded by the connection's lock, and every send is made under it. The
    /// tail block is released only by the application's own flush or completion (it may still be writing into it).
    /// </remarks>
    private sealed class Writer(EpollConnection connection, bool toThreadPool) : PipeWriter, IValueTaskSource<FlushResult>
    {
        private ManualResetValueTaskSourceCore<FlushResult> _core = new() { RunContinuationsAsynchronously = toThreadPool };
        private Exception? _error;

        // Guarded by the connection's lock.
        private PinnedBlock? _head;
        private PinnedBlock? _flushed;
        private PinnedBlock? _tail;
        private int _headSent;
        private int _flushedEnd;
        private long _unsent;
        private bool _flushWaiting;
        private bool _ended;
        private bool _cancelRequested;

        // The application's alone.
        private int _tailWritten;
        private long _unflushed;
        private bool _completed;

        public override bool CanGetUnflushedBytes => true;

        public override long UnflushedBytes => _unflushed;

        private object Lock => connection.Lock;

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (_completed)
            {
                throw new InvalidOperationException("Writing is not allowed after the writer was completed.");
            }

            ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
            if (_tail is null || _tail.Capacity - _tailWritten < Math.Max(sizeHint, 1))
            {
                AddTail(sizeHint);
            }

            return _tail!.WritableFrom(_tailWritten);
        }

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            if (bytes == 0)
            {
                return;
            }

            if (_tail is null || (uint)bytes > (uint)(_tail.Capacity - _tailWritten))
            {
                throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "Advance: more bytes than the memory GetMemory returned.");
            }

            _tailWritten += bytes;
            _unflushed += bytes;
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (_completed)
            {
                throw new InvalidOperationException("Flushing is not allowed after the writer was completed.");
            }

            lock (Lock)
            {
                Commit();
                if (_cancelRequested)
                {
                    _cancelRequested = false;
                    return new ValueTask<FlushResult>(new FlushResult(isCanceled: true, isCompleted: false));
                }

                if (!_ended)
                {
                    Send();
                }

                if (_ended || _unsent == 0)
                {
                    // Sent, or nobody will send it: the blocks go back, the tail too (the application holds no memory
                    // of it across a flush).
                    ReleaseAll();
                    return _ended && _error is not null
                        ? ValueTask.FromException<FlushResult>(_error)
                        : new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: _ended));
                }

                long limit = connection._ioLoop.OutputOptions.PauseWriterThreshold;
                if (limit == 0 || _unsent < limit)
                {
                    return new ValueTask<FlushResult>(default(FlushResult)); // The loop sends the rest.
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    return ValueTask.FromCanceled<FlushResult>(cancellationToken); // The loop still sends what was flushed.
                }

                _core.Reset();
                _flushWaiting = true;

                // Under the lock: a cancellation that fires now waits for it, then finds the flush waiting.
                if (cancellationToken.CanBeCanceled)
                {
                    connection.Extras.FlushCancellation = cancellationToken.UnsafeRegister(static (state, token) => ((Writer)state!).OnCancelled(token), this);
                }

                return new ValueTask<FlushResult>(this, _core.Version);
            }
        }

        public override void CancelPendingFlush()
        {
            lock (Lock)
            {
                if (!_flushWaiting)
                {
                    _cancelRequested = true;
                    return;
                }

                _flushWaiting = false;
            }

            _core.SetResult(new FlushResult(isCanceled: true, isCompleted: false));
        }

        public override void Complete(Exception? exception = null)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            lock (Lock)
            {
                if (exception is not null)
                {
                    // A failed application: what it wrote and did not send is dropped, with no half-close (FIN) of its own.
                    EndOutput(exception);
                    ReleaseAll();
                    return;
                }

                Commit();
                if (!_ended)
                {
                    Send();
                }

                if (!_ended && _unsent == 0)
                {
                    EndOutput(null);
                }

                if (_ended)
                {
                    ReleaseAll();
                }

                // Otherwise the loop sends the rest on the next write edges, then ends the output.
            }
        }

        /// <summary>Completes once everything written was handed to the kernel (or the output failed).</summary>
        public Task SentAllAsync()
        {
            lock (Lock)
            {
                return _ended ? Task.CompletedTask : (connection.Extras.SentAll ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }

        /// <summary>On the loop's thread: room in the socket. Sends what is flushed and wakes a flush waiting for room.</summary>
        public void OnWritable()
        {
            lock (Lock)
            {
                if (_ended)
                {
                    return;
                }

                if (_unsent > 0)
                {
                    Send();
                }

                if (_completed && !_ended && _unsent == 0)
                {
                    EndOutput(null);
                    ReleaseAll();
                }

                if (!_flushWaiting || (!_ended && _unsent > connection._ioLoop.OutputOptions.ResumeWriterThreshold))
                {
                    return;
                }

                _flushWaiting = false;
            }

            CompleteFlush();
        }

        /// <summary>The socket was closed (on any thread): the output ends, a waiting flush fails on the thread pool.</summary>
        public void OnClosed()
        {
            lock (Lock)
            {
                _core.RunContinuationsAsynchronously = true;
                EndOutput(connection.ClosedError());
                if (_completed)
                {
                    ReleaseAll();
                }

                if (!_flushWaiting)
                {
                    return;
                }

                _flushWaiting = false;
            }

            CompleteFlush();
        }

        FlushResult IValueTaskSource<FlushResult>.GetResult(short token)
        {
            if (connection._rarely is { } rarely)
            {
                rarely.FlushCancellation.Dispose();
                rarely.FlushCancellation = default;
            }

            return _core.GetResult(token);
        }

        ValueTaskSourceStatus IValueTaskSource<FlushResult>.GetStatus(short token) => _core.GetStatus(token);

        void IValueTaskSource<FlushResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);

        private void AddTail(int sizeHint)
        {
            PinnedBlock block = sizeHint <= PinnedBlockMemoryPool.BlockSize ? connection.Pool.RentBlock() : new PinnedBlock(pool: null, sizeHint);
            lock (Lock)
            {
                if (_tail is null)
                {
                    _head = block;
                    _headSent = 0;
                }
                else
                {
                    _tail.SetLength(_tailWritten);
                    _tail.Append(block);
                }

                _tail = block;
                _tailWritten = 0;
            }
        }

        /// <summary>Under the lock: everything written so far becomes sendable.</summary>
        private void Commit()
        {
            if (_tail is not null)
            {
                _tail.SetLength(_tailWritten);
                _flushed = _tail;
                _flushedEnd = _tailWritten;
            }

            _unsent += _unflushed;
            _unflushed = 0;
        }

        /// <summary>Under the lock: non-blocking sends of the flushed bytes until they are all out, the socket is full, or it failed.</summary>
        private void Send()
        {
            while (_unsent > 0 && !_ended)
            {
                var buffers = new ReadOnlySequence<byte>(_head!, _headSent, _flushed!, _flushedEnd);
                SocketError status;
                int sent;
                try
                {
                    status = LinuxInterop.Send(connection.Handle, buffers, out sent);
                }
                catch (ObjectDisposedException)
                {
                    (status, sent) = (SocketError.OperationAborted, 0);
                }

                if (status == SocketError.WouldBlock)
                {
                    return; // The loop goes on at the next write edge.
                }

                if (status != SocketError.Success)
                {
                    // Closing the socket (in SendError) ends the output through OnClosed; an error seen after
                    // our own close ends it here.
                    EndOutput(connection.SendError(new SocketException((int)status)));
                    return;
                }

                _unsent -= sent;
                _headSent += sent;
                while (_head != _flushed && _headSent >= _head!.Length)
                {
                    PinnedBlock head = _head;
                    _headSent -= head.Length;
                    _head = (PinnedBlock?)head.Next;
                    head.Dispose();
                }

                connection.AddBytesWritten(sent);
            }
        }

        /// <summary>Under the lock: the output is done, after everything was sent (<paramref name="error"/> null) or for good.</summary>
        private void EndOutput(Exception? error)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _error = error;

            // Not needed once the input ended: the close that follows at once sends FIN.
            if (error is null && !connection.ReceiveEnded)
            {
                connection.ShutdownSend();
            }

            connection.ReportSendProgress(ended: true);
            connection._rarely?.SentAll?.TrySetResult();
            connection.DirectionEnded();
        }

        /// <summary>Under the lock, where the application cannot be writing: every block goes back to the pool.</summary>
        private void ReleaseAll()
        {
            for (PinnedBlock? block = _head; block is not null;)
            {
                PinnedBlock? next = (PinnedBlock?)block.Next;
                block.Dispose();
                block = next;
            }

            _head = _flushed = _tail = null;
            _headSent = _flushedEnd = _tailWritten = 0;
            _unsent = 0;
        }

        private void CompleteFlush()
        {
            if (_ended && _error is not null)
            {
                _core.SetException(_error);
            }
            else
            {
                _core.SetResult(new FlushResult(isCanceled: false, isCompleted: _ended));
            }
        }

        private void OnCancelled(CancellationToken token)
        {
            lock (Lock)
            {
                if (!_flushWaiting)
                {
                    return;
                }

                _flushWaiting = false;
            }

            _core.SetException(new OperationCanceledException(token));
        }
    }
}
