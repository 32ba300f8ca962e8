using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace PipeNet.Internal;

/// <summary>
/// Gives a connection from a foreign transport (Kestrel's, an in-memory pipe) the byte counts PipeNet's
/// own transports keep natively, so idle timeouts and metrics work behind any listener. Counts are of
/// bytes the application consumed and produced, which is what such transports let us see.
/// </summary>
internal sealed class CountingDuplexPipe : IDuplexPipe, IConnectionBytesFeature
{
    private long _bytesRead;
    private long _bytesWritten;

    public CountingDuplexPipe(IDuplexPipe inner)
    {
        Input = new CountingReader(inner.Input, this);
        Output = new CountingWriter(inner.Output, this);
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public long BytesRead => Volatile.Read(ref _bytesRead);

    public long BytesWritten => Volatile.Read(ref _bytesWritten);

    private sealed class CountingReader(PipeReader inner, CountingDuplexPipe owner) : PipeReader
    {
        private ReadOnlySequence<byte> _lastBuffer;

        public override bool TryRead(out ReadResult result)
        {
            if (inner.TryRead(out result))
            {
                _lastBuffer = result.Buffer;
                return true;
            }

            return false;
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            ReadResult result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            _lastBuffer = result.Buffer;
            return result;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            Interlocked.Add(ref owner._bytesRead, _lastBuffer.Slice(_lastBuffer.Start, consumed).Length);
            _lastBuffer = default;
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }

    private sealed class CountingWriter(PipeWriter inner, CountingDuplexPipe owner) : PipeWriter
    {
        public override void Advance(int bytes)
        {
            inner.Advance(bytes);
            Interlocked.Add(ref owner._bytesWritten, bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
