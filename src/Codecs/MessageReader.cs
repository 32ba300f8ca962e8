using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using PipeNet.Codecs.Internal;

namespace PipeNet.Codecs;

/// <summary>
/// Reads whole messages from a <see cref="PipeReader"/> through a protocol's <see cref="IMessageReader{TMessage}"/>,
/// applying <see cref="MessageReaderOptions.MaxMessageSize"/>. Created by <c>connection.CreateReader(codec)</c>.
/// </summary>
/// <remarks>
/// <para>
/// A message is valid until the next <see cref="ReadAsync"/>: messages already buffered are parsed one after the
/// other without going back to the pipe, and the pipe is advanced only when more bytes are needed, so a
/// byte-level codec's message (a slice of the pipe's own buffers) costs no copy and no allocation.
/// </para>
/// <para>Not thread-safe: one consumer reads, as with the <see cref="PipeReader"/> underneath.</para>
/// </remarks>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class MessageReader<TMessage>
{
    private readonly PipeReader _input;
    private readonly IMessageReader<TMessage> _reader;
    private readonly long _maxMessageSize;
    private ReadOnlySequence<byte> _buffer;
    private SequencePosition _examined;
    private bool _holdingBuffer;
    private bool _inputCompleted;

    /// <summary>Creates a reader over <paramref name="input"/>.</summary>
    /// <param name="input">The pipe to read.</param>
    /// <param name="reader">The protocol's reading half.</param>
    /// <param name="options">Limits; the defaults when <c>null</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="reader"/> is <c>null</c>.</exception>
    public MessageReader(PipeReader input, IMessageReader<TMessage> reader, MessageReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(reader);
        _input = input;
        _reader = reader;
        _maxMessageSize = (options ?? new MessageReaderOptions()).MaxMessageSize;
    }

    /// <summary>The pipe underneath.</summary>
    public PipeReader Input => _input;

    /// <summary>The most bytes one message's frame may take.</summary>
    public long MaxMessageSize => _maxMessageSize;

    /// <summary>
    /// Reads the next message. The previous message's bytes are released by this call, so do not use them after it.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for more bytes.</param>
    /// <returns>The message, or a result whose <see cref="MessageReadResult{TMessage}.IsCompleted"/> says the peer ended the stream.</returns>
    /// <exception cref="NetException">
    /// <c>EMSGSIZE</c>: a message over <see cref="MaxMessageSize"/>, or a declared length over the codec's limit;
    /// <c>EPROTO</c>: malformed input, or the stream ended inside a message. The reader is unusable afterwards:
    /// end the connection.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<MessageReadResult<TMessage>> ReadAsync(CancellationToken cancellationToken = default)
    {
        // Everything completes synchronously while messages are buffered or the pipe already holds more bytes:
        // no await, no state machine, nothing allocated.
        while (true)
        {
            if (_holdingBuffer && TryTake(out MessageReadResult<TMessage> taken))
            {
                return new(taken);
            }

            ValueTask<ReadResult> read = _input.ReadAsync(cancellationToken);
            if (!read.IsCompletedSuccessfully)
            {
                return WaitForBytesAsync(read, cancellationToken);
            }

            if (Accept(read.Result, out MessageReadResult<TMessage> cancelled))
            {
                return new(cancelled);
            }
        }
    }

    /// <summary>
    /// Takes the next message only if it is already buffered, without waiting or touching the pipe: read with
    /// <see cref="ReadAsync"/>, then drain with this, writing the replies, and flush once when it returns <c>false</c>.
    /// As with <see cref="ReadAsync"/>, the previous message's bytes are released by this call.
    /// </summary>
    /// <param name="message">The message, when the method returns <c>true</c>.</param>
    /// <returns><c>true</c> when a whole message was buffered.</returns>
    /// <exception cref="NetException"><c>EMSGSIZE</c> or <c>EPROTO</c>, as <see cref="ReadAsync"/>.</exception>
    public bool TryRead(out TMessage message)
    {
        if (_holdingBuffer && MessageParser.TryParse(_reader, ref _buffer, _maxMessageSize, out message, out SequencePosition examined))
        {
            _examined = examined;
            return true;
        }

        message = default!;
        return false;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<MessageReadResult<TMessage>> WaitForBytesAsync(ValueTask<ReadResult> read, CancellationToken cancellationToken)
    {
        ReadResult result = await read.ConfigureAwait(false);
        while (true)
        {
            if (Accept(result, out MessageReadResult<TMessage> cancelled))
            {
                return cancelled;
            }

            if (TryTake(out MessageReadResult<TMessage> taken))
            {
                return taken;
            }

            result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Holds a fresh read's buffer; <c>true</c> (with the result to return) when the read was cancelled.</summary>
    private bool Accept(ReadResult read, out MessageReadResult<TMessage> cancelled)
    {
        _buffer = read.Buffer;
        _examined = _buffer.Start;
        _holdingBuffer = true;
        _inputCompleted = read.IsCompleted;
        cancelled = new(default!, isCompleted: false, isCanceled: true);
        return read.IsCanceled;
    }

    /// <summary>
    /// Parses the next message from the held buffer. When there is none, gives the buffer back to the pipe (everything
    /// before its start was handed out as messages; the rest was examined) and returns <c>false</c> so the caller reads
    /// again — or, at the end of the stream, returns the completed result or throws for a truncated message.
    /// </summary>
    private bool TryTake(out MessageReadResult<TMessage> result)
    {
        bool parsed = MessageParser.TryParse(_reader, ref _buffer, _maxMessageSize, out TMessage message, out SequencePosition examined);
        _examined = examined;
        if (parsed)
        {
            result = new(message, isCompleted: false, isCanceled: false);
            return true;
        }

        _holdingBuffer = false;
        if (_inputCompleted)
        {
            _input.AdvanceTo(_buffer.End);
            result = _buffer.IsEmpty ? new(default!, isCompleted: true, isCanceled: false) : throw CodecErrors.Truncated(_buffer.Length);
            return true;
        }

        _input.AdvanceTo(_buffer.Start, _examined);
        result = default;
        return false;
    }
}
