using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using PipeNet.Codecs;
using PipeNet.Internal;

namespace PipeNet;

public sealed partial class NetSocket
{
    /// <summary>The codec attached by <c>UseCodec</c>, if any.</summary>
    private IMessageDispatcher? Messages => _extras is { } extras ? Volatile.Read(ref extras.Messages) : null;

    /// <summary>
    /// Speaks <paramref name="codec"/> on this socket from now on: received bytes are parsed into messages and raised
    /// as the returned <see cref="MessageSocket{TMessage}"/>'s <c>message</c> event (no longer as <c>data</c>), and
    /// <see cref="MessageSocket{TMessage}.Send"/> encodes messages into the write buffer.
    /// </summary>
    /// <remarks>
    /// Call it from the server's <c>connection</c> handler or the client's <c>connect</c> handler (any event
    /// handler of this socket will do): bytes not yet handed to a <c>data</c> handler go through the codec, bytes
    /// already handed over are not parsed again. Messages are parsed in place, with no copy; <c>SetEncoding</c> has no
    /// effect once a codec is attached.
    /// </remarks>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="codec">The protocol, for example <see cref="DelimiterCodec.Lines"/>.</param>
    /// <param name="options">The message size limit; 1 MiB when <c>null</c>.</param>
    /// <returns>The message view of this socket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="codec"/> is <c>null</c>.</exception>
    /// <exception cref="InvalidOperationException">A codec is already attached.</exception>
    public MessageSocket<TMessage> UseCodec<TMessage>(IMessageCodec<TMessage> codec, MessageReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        return UseCodec(codec, codec, options);
    }

    /// <summary>As <see cref="UseCodec{TMessage}(IMessageCodec{TMessage}, MessageReaderOptions?)"/>, with separate reading and writing halves.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="reader">Parses received messages.</param>
    /// <param name="writer">Encodes sent messages.</param>
    /// <param name="options">The message size limit; 1 MiB when <c>null</c>.</param>
    /// <returns>The message view of this socket.</returns>
    /// <exception cref="ArgumentNullException">A <c>null</c> reader or writer.</exception>
    /// <exception cref="InvalidOperationException">A codec is already attached.</exception>
    public MessageSocket<TMessage> UseCodec<TMessage>(IMessageReader<TMessage> reader, IMessageWriter<TMessage> writer, MessageReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        var messages = new MessageSocket<TMessage>(this, reader, writer, (options ?? new MessageReaderOptions()).MaxMessageSize);
        if (Interlocked.CompareExchange(ref Extras.Messages, messages, null) is not null)
        {
            throw new InvalidOperationException("A codec is already attached to this socket.");
        }

        Wake();
        return messages;
    }

    /// <summary>Data waiting for a first message handler starts flowing.</summary>
    internal void MessageHandlersChanged() => Wake();

    /// <summary>Encodes one message into the write buffer with <c>Write</c>'s accounting and backpressure.</summary>
    /// <param name="writer">The codec's writing half.</param>
    /// <param name="counter">The message socket's own counter (one per socket, used under the lock).</param>
    /// <param name="message">The message.</param>
    /// <param name="callback">Runs once the bytes reached the socket.</param>
    internal bool WriteMessage<TMessage>(IMessageWriter<TMessage> writer, CountingBufferWriter counter, TMessage message, Action<Exception?>? callback)
    {
        lock (this)
        {
            if (RejectWrite(callback))
            {
                return false;
            }

            IBufferWriter<byte> target = WriteTarget();
            counter.Start(target);
            try
            {
                writer.WriteMessage(message, counter);
            }
            catch
            {
                // Codecs validate before writing, but whatever did reach the buffer is counted and flushed like any write.
                long partial = counter.Stop();
                if (partial > 0)
                {
                    Written(partial, null);
                }

                throw;
            }

            return Written(counter.Stop(), callback);
        }
    }

    /// <summary>
    /// Raises <c>message</c> for every whole message in <paramref name="result"/> and advances the pipe past them.
    /// Completes synchronously, allocating nothing, while every handler does.
    /// </summary>
    private ValueTask<MessageBatch> DispatchMessagesAsync(IMessageDispatcher messages, PipeReader input, ReadResult result)
    {
        ReadOnlySequence<byte> buffer = result.Buffer;
        SequencePosition examined;
        bool drained;
        _inDispatch = true;
        try
        {
            if (!RunHandlers(messages, ref buffer, out examined, out drained, out ValueTask pending))
            {
                return AwaitHandlersAsync(pending, messages, input, result, buffer);
            }
        }
        catch (Exception ex)
        {
            return new(EndBatch(input, result, buffer, default, drained: false, ex));
        }

        return new(EndBatch(input, result, buffer, examined, drained, error: null));
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<MessageBatch> AwaitHandlersAsync(ValueTask pending, IMessageDispatcher messages, PipeReader input, ReadResult result, ReadOnlySequence<byte> buffer)
    {
        SequencePosition examined = default;
        bool drained = false;
        try
        {
            await pending.ConfigureAwait(false);
            while (!RunHandlers(messages, ref buffer, out examined, out drained, out pending))
            {
                await pending.ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            return EndBatch(input, result, buffer, default, drained: false, ex);
        }

        return EndBatch(input, result, buffer, examined, drained, error: null);
    }

    /// <summary>Raises messages until none is whole, the socket pauses or is destroyed (<c>true</c>), or a handler is still running (<c>false</c>).</summary>
    private bool RunHandlers(IMessageDispatcher messages, ref ReadOnlySequence<byte> buffer, out SequencePosition examined, out bool drained, out ValueTask pending)
    {
        examined = buffer.Start;
        pending = default;
        while (!HasFlag(NetSocketFlags.Destroyed | NetSocketFlags.Paused))
        {
            if (!messages.TryDispatch(ref buffer, out examined, out pending))
            {
                drained = true;
                return true;
            }

            if (!pending.IsCompletedSuccessfully)
            {
                drained = false;
                return false;
            }
        }

        examined = buffer.Start;
        drained = false;
        return true;
    }

    /// <summary>Flushes what the handlers sent, gives the pipe back what was not consumed, and reports how the pass ended.</summary>
    private MessageBatch EndBatch(PipeReader input, ReadResult result, ReadOnlySequence<byte> rest, SequencePosition examined, bool drained, Exception? error)
    {
        EndDispatch();
        if (error is null && drained && result.IsCompleted && !rest.IsEmpty)
        {
            error = new NetException(
                NetErrorCode.ProtocolError,
                $"{NetErrorCode.ProtocolError}: the peer ended the stream inside a message ({rest.Length} bytes of an unfinished frame).");
        }

        if (error is not null)
        {
            // Bad input (EMSGSIZE, EPROTO) or a throwing handler: this socket's error, nobody else's.
            input.AdvanceTo(result.Buffer.End);
            Fail(error);
            return MessageBatch.Failed;
        }

        if (!drained)
        {
            input.AdvanceTo(rest.Start);
            return MessageBatch.Interrupted;
        }

        input.AdvanceTo(rest.Start, examined);
        return MessageBatch.Drained;
    }
}
