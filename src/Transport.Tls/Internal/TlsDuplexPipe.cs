using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Runtime.CompilerServices;

namespace PipeNet.Transport.Tls.Internal;

/// <summary>
/// The plaintext pipe an application sees once the handshake is done, backed by an authenticated
/// <see cref="SslStream"/> over the connection's transport pipe.
/// </summary>
/// <remarks>
/// <code>
///  transport.Input ──DuplexPipeStream──▶ SslStream (decrypt) ──StreamPipeReader──▶ Input   (pooled blocks)
///  transport.Output ◀─DuplexPipeStream── SslStream (encrypt) ◀──send loop──── output pipe ◀── Output
/// </code>
/// Decrypted bytes land in pooled pipe blocks directly, and the send loop hands the output pipe's pooled
/// segments to <c>SslStream</c> as they are: the only copies are the ones <c>SslStream</c> itself makes
/// (ciphertext into its buffer, plaintext out of it). The output is a real <see cref="Pipe"/>, so an
/// application may keep writing while a flush is pending, with the same backpressure as the transport's.
/// Completing <see cref="Output"/> sends <c>close_notify</c> and then ends the transport's output (FIN), so
/// half-close works as on plain TCP.
/// </remarks>
internal sealed class TlsDuplexPipe : IDuplexPipe, IConnectionBytesFeature, IConnectionSendProgressFeature, IAsyncDisposable
{
    private const int ReadBufferSize = 16 * 1024 + 64; // a whole TLS record's plaintext per read
    private const int MinimumReadSize = 4 * 1024;
    private const int PauseWriterThreshold = 64 * 1024;
    private const int ResumeWriterThreshold = 32 * 1024;

    private readonly SslStream _ssl;
    private readonly DuplexPipeStream _wire;
    private readonly IDuplexPipe _transport;
    private readonly IConnectionSendProgressFeature? _wireProgress;
    private readonly PipeReader _reader;
    private readonly Pipe _output;
    private readonly Lock _lock = new();
    private readonly Task _sendLoop;
    private List<(long Total, TaskCompletionSource<bool> Waiter)>? _progressWaiters;
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
        _reader = PipeReader.Create(new PlaintextStream(this), new StreamPipeReaderOptions(pool, ReadBufferSize, MinimumReadSize, leaveOpen: true, useZeroByteReads: true));
        _output = new Pipe(new PipeOptions(pool, readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: PauseWriterThreshold, resumeWriterThreshold: ResumeWriterThreshold, useSynchronizationContext: false));
        _sendLoop = SendLoopAsync();
    }

    public PipeReader Input => _reader;

    public PipeWriter Output => _output.Writer;

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

        // An output the application did not end is ended now: what it wrote is sent, then close_notify.
        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        await _sendLoop.ConfigureAwait(false);
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _ssl.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Encrypts what the application writes, in order, one <c>SslStream</c> write per segment. When the
    /// application ends its output: close_notify, then FIN. Never throws: an error ends both pipes with it.
    /// </summary>
    private async Task SendLoopAsync()
    {
        PipeReader output = _output.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                ReadResult result = await output.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    // One record per segment, all of them sent together by one flush.
                    _wire.BatchWrites = true;
                    try
                    {
                        foreach (ReadOnlyMemory<byte> segment in buffer)
                        {
                            await _ssl.WriteAsync(segment).ConfigureAwait(false);
                            Interlocked.Add(ref _bytesWritten, segment.Length);
                        }
                    }
                    finally
                    {
                        _wire.BatchWrites = false;
                    }

                    await _wire.FlushWritesAsync().ConfigureAwait(false);
                }

                output.AdvanceTo(buffer.End);
                if (!buffer.IsEmpty)
                {
                    ReportProgress();
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }

            await _ssl.ShutdownAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The application ended its output with an error, or the transport failed under a write.
            error = ex;
        }

        await output.CompleteAsync(error).ConfigureAwait(false);
        lock (_lock)
        {
            _outputEnded = true;
        }

        ReportProgress();
        try
        {
            await _transport.Output.CompleteAsync(error is null or IOException ? null : error).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // The transport was already closed under us; nothing is left to end.
        }
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

    /// <summary>The <see cref="SslStream"/> as the pipe reader sees it: counts the plaintext read.</summary>
    private sealed class PlaintextStream(TlsDuplexPipe owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await owner._ssl.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref owner._bytesRead, read);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The send loop writes to the SslStream directly.");

        public override void Flush()
        {
            // Nothing is written through this stream.
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
