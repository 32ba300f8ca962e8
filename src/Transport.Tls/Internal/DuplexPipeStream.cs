using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace PipeNet.Transport.Tls.Internal;

/// <summary>
/// The connection's transport pipe as the <see cref="Stream"/> an <see cref="System.Net.Security.SslStream"/>
/// reads ciphertext from and writes ciphertext to. Reads copy straight from the pipe's blocks into the
/// buffer <c>SslStream</c> hands us (the one copy it needs); writes go straight into the pipe.
/// </summary>
/// <remarks>
/// While <see cref="Capturing"/> is on (the handshake), the first <see cref="MaxCapturedBytes"/> bytes read
/// are kept, so a failed handshake can report what the peer actually sent.
/// </remarks>
internal sealed class DuplexPipeStream(IDuplexPipe transport) : Stream
{
    public const int MaxCapturedBytes = 1024;

    private readonly PipeReader _input = transport.Input;
    private readonly PipeWriter _output = transport.Output;
    private byte[]? _captured;
    private int _capturedLength;
    private long _bytesWritten;

    /// <summary>Whether reads are recorded (turned off after the handshake).</summary>
    public bool Capturing { get; set; } = true;

    /// <summary>Ciphertext bytes written into the transport so far.</summary>
    public long BytesWritten => Volatile.Read(ref _bytesWritten);

    /// <summary>The first bytes read while capturing.</summary>
    public ReadOnlyMemory<byte> Captured => _captured.AsMemory(0, _capturedLength);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            // A zero-byte read (SslStream passes one on when its reader asks for one): wait until ciphertext
            // is there, consume nothing, so an idle connection holds no buffer in SslStream or above.
            ReadResult ready = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            _input.AdvanceTo(ready.Buffer.Start);
            return 0;
        }

        while (true)
        {
            ReadResult result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> data = result.Buffer;
            if (!data.IsEmpty)
            {
                int count = (int)Math.Min(data.Length, buffer.Length);
                ReadOnlySequence<byte> slice = data.Slice(0, count);
                slice.CopyTo(buffer.Span);
                if (Capturing && _capturedLength < MaxCapturedBytes)
                {
                    Capture(slice);
                }

                _input.AdvanceTo(slice.End);
                return count;
            }

            _input.AdvanceTo(data.End);
            if (result.IsCompleted)
            {
                return 0;
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException("The read was cancelled.");
            }
        }
    }

    /// <summary>
    /// While on, writes only copy into the transport's pipe and <see cref="FlushWritesAsync"/> sends them: the
    /// records of one batch of application data leave in one send instead of one send each.
    /// </summary>
    public bool BatchWrites { get; set; }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!BatchWrites)
        {
            return WriteAndFlushAsync(buffer, cancellationToken);
        }

        try
        {
            _output.Write(buffer.Span);
        }
        catch (InvalidOperationException ex)
        {
            // The transport's output was completed under us (the connection closed or was aborted).
            return ValueTask.FromException(new NetException(NetErrorCode.BrokenPipe, "The connection can send no more: its transport was closed.", ex));
        }

        Interlocked.Add(ref _bytesWritten, buffer.Length);
        return ValueTask.CompletedTask;
    }

    /// <summary>Sends what batched writes left in the transport's pipe (waiting while the peer is slow).</summary>
    /// <exception cref="NetException">The transport was closed.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FlushWritesAsync() => Check(await _output.FlushAsync().ConfigureAwait(false));

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteAndFlushAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        FlushResult result = await _output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _bytesWritten, buffer.Length);
        Check(result);
    }

    private static void Check(FlushResult result)
    {
        if (result.IsCompleted)
        {
            throw new NetException(NetErrorCode.BrokenPipe, "The connection can send no more: its transport was closed.");
        }

        if (result.IsCanceled)
        {
            throw new OperationCanceledException("The write was cancelled.");
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // SslStream only calls the synchronous members when its own synchronous API is used, which PipeNet never does.
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
        // Every write is flushed as it is made.
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Capture(ReadOnlySequence<byte> data)
    {
        _captured ??= new byte[MaxCapturedBytes];
        int take = (int)Math.Min(data.Length, MaxCapturedBytes - _capturedLength);
        data.Slice(0, take).CopyTo(_captured.AsSpan(_capturedLength));
        _capturedLength += take;
    }
}
