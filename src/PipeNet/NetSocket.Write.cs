using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using PipeNet.Internal;

namespace PipeNet;

public sealed partial class NetSocket
{
    private const long DefaultHighWaterMark = 64 * 1024;

    private long _written; // bytes written so far: the mark each write callback waits for

    // Set and cleared around every data handler, so plain fields rather than atomic flag bits: the loop alone writes
    // _inDispatch, and _flushAfterDispatch changes only under the lock. Both fit in the padding after the flags.
    private bool _inDispatch;
    private bool _flushAfterDispatch;

    /// <summary>
    /// Unflushed bytes at which <c>Write</c> inside a handler starts returning <c>false</c>. Writes also
    /// return <c>false</c> whenever the transport's own write buffer is full (the flush is waiting).
    /// </summary>
    /// <remarks>Defaults to 64 KiB, the TCP transport's write buffer.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public long HighWaterMark
    {
        get => _extras?.HighWaterMark ?? DefaultHighWaterMark;
        set => Extras.HighWaterMark = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(HighWaterMark), value, "HighWaterMark must be positive.");
    }

    private bool WriteSideDone => HasFlag(NetSocketFlags.WriteEnded);

    /// <summary>The flush the transport is holding back (the peer reads slower than we write), or <c>null</c>.</summary>
    private Task? PendingFlush => _extras is { } extras ? Volatile.Read(ref extras.PendingFlush) : null;

    /// <summary>
    /// Queues <paramref name="data"/> for the peer (copied straight into the connection's write buffer).
    /// Writes inside an event handler are flushed together when the handler returns.
    /// </summary>
    /// <param name="data">The bytes.</param>
    /// <param name="callback">Runs once the data reached the socket (was handed to the kernel), or with the error that stopped it.</param>
    /// <returns><c>false</c> when the caller should wait for <c>drain</c> before writing more.</returns>
    public bool Write(ReadOnlySpan<byte> data, Action<Exception?>? callback = null)
    {
        lock (this)
        {
            if (RejectWrite(callback))
            {
                return false;
            }

            IBufferWriter<byte> target = WriteTarget();
            target.Write(data);
            return Written(data.Length, callback);
        }
    }

    /// <summary>Queues <paramref name="data"/> for the peer.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="callback">Runs once the data reached the socket (was handed to the kernel), or with the error that stopped it.</param>
    /// <returns><c>false</c> when the caller should wait for <c>drain</c> before writing more.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is <c>null</c>.</exception>
    public bool Write(byte[] data, Action<Exception?>? callback = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Write(data.AsSpan(), callback);
    }

    /// <summary>Queues <paramref name="text"/> encoded with <paramref name="encoding"/> (UTF-8 when <c>null</c>), encoding straight into the write buffer.</summary>
    /// <param name="text">The text.</param>
    /// <param name="encoding">The encoding; UTF-8 when <c>null</c>.</param>
    /// <param name="callback">Runs once the data reached the socket (was handed to the kernel), or with the error that stopped it.</param>
    /// <returns><c>false</c> when the caller should wait for <c>drain</c> before writing more.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <c>null</c>.</exception>
    public bool Write(string text, Encoding? encoding = null, Action<Exception?>? callback = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (this)
        {
            if (RejectWrite(callback))
            {
                return false;
            }

            IBufferWriter<byte> target = WriteTarget();
            long bytes = (encoding ?? Encoding.UTF8).GetBytes(text.AsSpan(), target);
            return Written(bytes, callback);
        }
    }

    /// <summary>Half-closes: flushes what was written, then sends FIN. The socket stays readable.</summary>
    /// <returns>This socket.</returns>
    public NetSocket End()
    {
        lock (this)
        {
            if (HasFlag(NetSocketFlags.Ending | NetSocketFlags.Destroyed))
            {
                return this;
            }

            SetFlag(NetSocketFlags.Ending);
        }

        if (_connection is not null)
        {
            _ = FinishWritingAsync();
        }

        return this;
    }

    /// <summary>Writes <paramref name="data"/>, then half-closes.</summary>
    /// <param name="data">The last bytes.</param>
    /// <returns>This socket.</returns>
    public NetSocket End(ReadOnlySpan<byte> data)
    {
        Write(data);
        return End();
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8 when <paramref name="encoding"/> is <c>null</c>), then half-closes.</summary>
    /// <param name="text">The last text.</param>
    /// <param name="encoding">The encoding.</param>
    /// <returns>This socket.</returns>
    public NetSocket End(string text, Encoding? encoding = null)
    {
        Write(text, encoding);
        return End();
    }

    /// <summary>Where a write goes: the connection's output, or a buffer sent on connect. Called under the lock.</summary>
    private IBufferWriter<byte> WriteTarget() =>
        (IBufferWriter<byte>?)Output ?? (Extras.BufferedBeforeConnect ??= new ArrayBufferWriter<byte>());

    private bool RejectWrite(Action<Exception?>? callback)
    {
        int flags = Volatile.Read(ref _flags);
        if ((flags & (int)(NetSocketFlags.Ending | NetSocketFlags.Destroyed | NetSocketFlags.Closed)) == 0)
        {
            return false;
        }

        // Node: a write after end is an error event (and the callback's error), not an exception.
        NetException error = (flags & (int)(NetSocketFlags.Ending | NetSocketFlags.Destroyed)) == (int)NetSocketFlags.Ending
            ? new NetException(NetErrorCode.WriteAfterEnd, "write after end: the socket's writing side was already ended.")
            : new NetException(NetErrorCode.Destroyed, "write after destroy: the socket was destroyed.");
        if (callback is not null)
        {
            (Extras.ReadyCallbacks ??= new()).Enqueue((callback, error));
            Post(SocketSignal.WriteCallbacks);
        }

        Post(SocketSignal.Error, error);
        return true;
    }

    private bool Written(long bytes, Action<Exception?>? callback)
    {
        _written += bytes;
        if (callback is not null)
        {
            (Extras.WriteCallbacks ??= new()).Enqueue((_written, callback));
        }

        if (Output is not { } output)
        {
            return true; // Sent on connect.
        }

        if (_inDispatch)
        {
            _flushAfterDispatch = true;
        }
        else
        {
            FlushLocked();
        }

        bool belowMark = PendingFlush is null && (!_inDispatch || output.UnflushedBytes < HighWaterMark);
        if (!belowMark)
        {
            SetFlag(NetSocketFlags.NeedDrain);
        }

        return belowMark;
    }

    /// <summary>Called by the loop after a <c>data</c> (or <c>message</c>) handler: one flush for everything it wrote.</summary>
    private void EndDispatch()
    {
        _inDispatch = false;
        lock (this)
        {
            if (_flushAfterDispatch)
            {
                _flushAfterDispatch = false;
                FlushLocked();
            }
        }
    }

    private void FlushBufferedWrites()
    {
        bool ending;
        lock (this)
        {
            if (_extras?.BufferedBeforeConnect is { WrittenCount: > 0 } buffered)
            {
                Output!.Write(buffered.WrittenSpan);
                _extras.BufferedBeforeConnect = null;
                FlushLocked();
            }

            ending = HasFlag(NetSocketFlags.Ending);
        }

        if (ending)
        {
            _ = FinishWritingAsync();
        }
    }

    private void FlushLocked()
    {
        if (PendingFlush is not null)
        {
            SetFlag(NetSocketFlags.FlushAgain);
            return;
        }

        long target = _written;
        ValueTask<FlushResult> flush;
        try
        {
            flush = Output!.FlushAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException)
        {
            return; // The writer was completed under us by End or Destroy; nothing is left to flush.
        }

        if (flush.IsCompletedSuccessfully)
        {
            OnFlushed(target);
            return;
        }

        // The flush may complete between the check above and the await inside, in which case the task is
        // already done (and has run the completion under this reentrant lock): only a still-pending
        // flush may block later writes.
        Task pending = AwaitFlushAsync(flush, target);
        if (!pending.IsCompleted)
        {
            Extras.PendingFlush = pending;
        }
    }

    private async Task AwaitFlushAsync(ValueTask<FlushResult> flush, long target)
    {
        FlushResult result;
        try
        {
            result = await flush.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The transport failed (reset): the read side reports it; writes waiting on it fail.
            lock (this)
            {
                Extras.PendingFlush = null;
            }

            FailPendingWriteCallbacks(Translate(ex));
            Wake(); // The loop may be holding its reads back for this flush.
            return;
        }

        lock (this)
        {
            Extras.PendingFlush = null;
            if (result.IsCanceled)
            {
                // Destroy cancelled the wait; the close fails the callbacks still pending.
                return;
            }

            OnFlushed(target);
            if (HasFlag(NetSocketFlags.FlushAgain))
            {
                ClearFlag(NetSocketFlags.FlushAgain);
                FlushLocked();
            }

            if (PendingFlush is null && HasFlag(NetSocketFlags.NeedDrain))
            {
                ClearFlag(NetSocketFlags.NeedDrain);
                Post(SocketSignal.Drain);
            }
        }

        Wake(); // The loop may be holding its reads back for this flush.
    }

    private void OnFlushed(long target)
    {
        if (_extras?.WriteCallbacks is { Count: > 0 } && !HasFlag(NetSocketFlags.WatchingSendProgress))
        {
            // Looked up only when write callbacks wait, which most flushes never have.
            if (_connection?.Features.Get<IConnectionSendProgressFeature>() is { } progress)
            {
                SetFlag(NetSocketFlags.WatchingSendProgress);
                _ = WatchSendProgressAsync(progress);
            }
            else
            {
                // A transport that cannot say when bytes reach the kernel: flushed is as far as we can see.
                ReleaseWriteCallbacks(target);
            }
        }

        if (HasFlag(NetSocketFlags.NeedDrain) && !_inDispatch && PendingFlush is null)
        {
            ClearFlag(NetSocketFlags.NeedDrain);
            Post(SocketSignal.Drain);
        }
    }

    /// <summary>Moves the callbacks of writes up to <paramref name="sent"/> bytes to the loop. Called under the lock.</summary>
    private void ReleaseWriteCallbacks(long sent)
    {
        bool any = false;
        Queue<(long End, Action<Exception?> Callback)>? pending = _extras?.WriteCallbacks;
        while (pending is not null && pending.TryPeek(out (long End, Action<Exception?> Callback) entry) && entry.End <= sent)
        {
            pending.Dequeue();
            (Extras.ReadyCallbacks ??= new()).Enqueue((entry.Callback, null));
            any = true;
        }

        if (any)
        {
            Post(SocketSignal.WriteCallbacks);
        }
    }

    /// <summary>Runs write callbacks as the transport hands their bytes to the kernel ("the data reached the socket").</summary>
    private async Task WatchSendProgressAsync(IConnectionSendProgressFeature progress)
    {
        while (true)
        {
            long next;
            lock (this)
            {
                if (_extras?.WriteCallbacks is not { } pending || !pending.TryPeek(out (long End, Action<Exception?> Callback) entry))
                {
                    ClearFlag(NetSocketFlags.WatchingSendProgress);
                    return;
                }

                next = entry.End;
            }

            bool sent = await progress.WaitForBytesWrittenAsync(next).ConfigureAwait(false);
            lock (this)
            {
                ReleaseWriteCallbacks(BytesWritten);
                if (!sent)
                {
                    ClearFlag(NetSocketFlags.WatchingSendProgress);
                }
            }

            if (!sent)
            {
                FailPendingWriteCallbacks("The connection closed before the data was written.");
                return;
            }
        }
    }

    /// <summary>Fails the callbacks of writes that will never reach the socket with <c>EPIPE</c> (<paramref name="brokenPipe"/>).</summary>
    private void FailPendingWriteCallbacks(string brokenPipe) => FailPendingWriteCallbacks(null, brokenPipe);

    /// <summary>Fails the callbacks of writes that will never reach the socket with <paramref name="error"/>.</summary>
    private void FailPendingWriteCallbacks(Exception error) => FailPendingWriteCallbacks(error, null);

    private void FailPendingWriteCallbacks(Exception? error, string? brokenPipe)
    {
        lock (this)
        {
            if (_extras?.WriteCallbacks is not { Count: > 0 } pending)
            {
                return; // Nothing to fail: no exception to build, no signal to post (every close comes here).
            }

            error ??= new NetException(NetErrorCode.BrokenPipe, brokenPipe!);
            while (pending.TryDequeue(out (long End, Action<Exception?> Callback) entry))
            {
                (Extras.ReadyCallbacks ??= new()).Enqueue((entry.Callback, error));
            }
        }

        Post(SocketSignal.WriteCallbacks);
    }

    private void RunWriteCallbacks()
    {
        while (true)
        {
            (Action<Exception?> Callback, Exception? Error) entry;
            lock (this)
            {
                if (_extras?.ReadyCallbacks is not { } ready || !ready.TryDequeue(out entry))
                {
                    return;
                }
            }

            try
            {
                entry.Callback(entry.Error);
            }
            catch (Exception ex)
            {
                HandlerFailed(ex);
            }
        }
    }

    private async Task FinishWritingAsync()
    {
        try
        {
            while (true)
            {
                Task? pending;
                lock (this)
                {
                    FlushLocked();
                    pending = PendingFlush;
                }

                if (pending is null)
                {
                    break;
                }

                await pending.ConfigureAwait(false);
            }

            await Output!.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Post(SocketSignal.Error, Translate(ex));
        }

        lock (this)
        {
            SetFlag(NetSocketFlags.WriteEnded);
        }

        Wake();
    }
}
