using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;

namespace PipeNet.Transport.Tls.Internal;

/// <summary>
/// The plaintext pipe an application sees once the handshake is done, backed by an authenticated
/// <see cref="SslStream"/> over the connection's transport pipe.
/// </summary>
/// <remarks>
/// <code>
///  transport.Input ──DuplexPipeStream──▶ SslStream (decrypt) ──StreamPipeReader──▶ Input  (pooled blocks)
///  transport.Output ◀─DuplexPipeStream── SslStream (encrypt) ◀─StreamPipeWriter─── Output (pooled blocks)
/// </code>
/// Decrypted bytes land in pooled pipe blocks directly; the only copies are the ones <c>SslStream</c> itself
/// makes (ciphertext into its buffer, plaintext out of it). Completing <see cref="Output"/> sends
/// <c>close_notify</c> and then ends the transport's output (FIN), so half-close works as on plain TCP.
/// </remarks>
internal sealed class TlsDuplexPipe : IDuplexPipe, IConnectionBytesFeature, IConnectionSendProgressFeature, IAsyncDisposable
{
    private const int ReadBufferSize = 16 * 1024 + 64; // a whole TLS record's plaintext per read
    private const int MinimumReadSize = 4 * 1024;
    private const int MinimumWriteBufferSize = 4 * 1024;

    private readonly SslStream _ssl;
    private readonly DuplexPipeStream _wire;
    private readonly IDuplexPipe _transport;
    private readonly IConnectionSendProgressFeature? _wireProgress;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly Lock _lock = new();
    private List<(long Total, TaskCompletionSource<bool> Waiter)>? _progressWaiters;
    private Task? _outputClosing;
    private long _bytesRead;
    private long _bytesWritten;
    private bool _outputEnded;
    private bool _disposed;

    public TlsDuplexPipe(SslStream ssl, DuplexPipeStream wire, IDuplexPipe transport, IConnectionSendProgressFeature? wireProgress, MemoryPool<byte>? pool)
    {
        _ssl = ssl;
        _wire = wire;
        _transport = transport;
        _wireProgress = wireProgress;
        var plaintext = new PlaintextStream(this);
        _reader = PipeReader.Create(plaintext, new StreamPipeReaderOptions(pool, ReadBufferSize, MinimumReadSize, leaveOpen: true));
        _writer = PipeWriter.Create(plaintext, new StreamPipeWriterOptions(pool, MinimumWriteBufferSize, leaveOpen: true));
        Output = new TlsPipeWriter(_writer, this);
    }

    public PipeReader Input => _reader;

    public PipeWriter Output { get; }

    /// <summary>Plaintext bytes the application has received.</summary>
    public long BytesRead => Volatile.Read(ref _bytesRead);

    /// <summary>Plaintext bytes encrypted and handed to the transport.</summary>
    public long BytesWritten => Volatile.Read(ref _bytesWritten);

    public Task<bool> WaitForBytesWrittenAsync(long totalBytes)
    {
        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            (_progressWaiters ??= []).Add((totalBytes, waiter));
        }

        ReportProgress();
        return waiter.Task;
    }

    /// <summary>Sends <c>close_notify</c> (unless the output ended with an error) and ends the transport's output. Idempotent.</summary>
    public Task CloseOutputAsync(Exception? error)
    {
        lock (_lock)
        {
            return _outputClosing ??= CloseOutputCoreAsync(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await CloseOutputAsync(null).ConfigureAwait(false);
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _ssl.DisposeAsync().ConfigureAwait(false);
    }

    private async Task CloseOutputCoreAsync(Exception? error)
    {
        // Let a flush in progress finish first: SslStream allows one write at a time, close_notify included.
        try
        {
            await _writer.CompleteAsync(error).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error ??= ex;
        }

        if (error is null)
        {
            await _writeGate.WaitAsync().ConfigureAwait(false);
            try
            {
                await _ssl.ShutdownAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or NotSupportedException)
            {
                // The peer or the transport is already gone; the connection's own error reports that.
                error = ex;
            }
            finally
            {
                _writeGate.Release();
            }
        }

        lock (_lock)
        {
            _outputEnded = true;
        }

        ReportProgress();
        await _transport.Output.CompleteAsync(error is null or IOException ? null : error).ConfigureAwait(false);
    }

    /// <summary>Completes the progress waiters whose plaintext has been encrypted, once its ciphertext reached the kernel.</summary>
    private void ReportProgress()
    {
        List<(long Total, TaskCompletionSource<bool> Waiter)>? ready = null;
        long cipher;
        bool ended;
        lock (_lock)
        {
            if (_progressWaiters is not { Count: > 0 } waiters)
            {
                return;
            }

            long plain = BytesWritten;
            cipher = _wire.BytesWritten;
            ended = _outputEnded;
            for (int i = waiters.Count - 1; i >= 0; i--)
            {
                if (waiters[i].Total <= plain || ended)
                {
                    (ready ??= []).Add(waiters[i]);
                    waiters.RemoveAt(i);
                }
            }
        }

        if (ready is null)
        {
            return;
        }

        foreach ((long total, TaskCompletionSource<bool> waiter) in ready)
        {
            if (total > BytesWritten)
            {
                waiter.TrySetResult(false);
            }
            else if (_wireProgress is null)
            {
                waiter.TrySetResult(true);
            }
            else
            {
                _ = ForwardAsync(_wireProgress.WaitForBytesWrittenAsync(cipher), waiter);
            }
        }
    }

    private static async Task ForwardAsync(Task<bool> wire, TaskCompletionSource<bool> waiter) =>
        waiter.TrySetResult(await wire.ConfigureAwait(false));

    /// <summary>The <see cref="SslStream"/> as the pipe reader and writer see it: counts plaintext and serialises writes.</summary>
    private sealed class PlaintextStream(TlsDuplexPipe owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await owner._ssl.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref owner._bytesRead, read);
            return read;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await owner._writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await owner._ssl.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                owner._writeGate.Release();
            }

            Interlocked.Add(ref owner._bytesWritten, buffer.Length);
            owner.ReportProgress();
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
            // SslStream writes each record through at once.
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>The application's writer: completing it closes the TLS output (close_notify, then FIN) instead of just the buffer.</summary>
    private sealed class TlsPipeWriter(PipeWriter inner, TlsDuplexPipe owner) : PipeWriter
    {
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        // Completing must not block the caller (it may be an I/O loop): the close runs on; DisposeAsync awaits it.
        public override void Complete(Exception? exception = null) => _ = owner.CloseOutputAsync(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => new(owner.CloseOutputAsync(exception));
    }
}
