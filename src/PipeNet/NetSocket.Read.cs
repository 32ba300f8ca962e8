using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using PipeNet.Internal;

namespace PipeNet;

public sealed partial class NetSocket
{
    /// <summary>
    /// Hands one read to the handlers (or the codec) and gives the pipe back what they did not take. Completes
    /// synchronously while the handlers do. A failed handler destroys the socket, which ends the loop.
    /// </summary>
    /// <param name="result">The read.</param>
    private ValueTask OnReadAsync(ReadResult result)
    {
        PipeReader input = Input;
        ReadOnlySequence<byte> buffer = result.Buffer;
        IMessageDispatcher? messages = Messages;
        bool consume = Consuming(messages);
        if (result.IsCanceled)
        {
            // A wake-up, not data. But bytes kept for a first handler come back with it, and the pipe will not
            // hand bytes it saw examined over again until more arrive: if a handler (or codec) has appeared
            // since, deliver them now instead of waiting for the peer to send something else.
            if (buffer.IsEmpty || !consume || HasFlag(NetSocketFlags.Paused | NetSocketFlags.Destroyed) || PendingFlush is not null)
            {
                input.AdvanceTo(buffer.Start); // keep what is buffered for the next read
                return default;
            }
        }

        if (!consume && !(buffer.IsEmpty && result.IsCompleted))
        {
            // Nobody listens for data yet: keep it for the first handler (as Node buffers it), but
            // watch for the end of stream so a socket that never gets data still sees the peer's FIN.
            input.AdvanceTo(buffer.Start, buffer.End);
            SetFlag(NetSocketFlags.UnreadDataAtEnd, result.IsCompleted);
            return default;
        }

        if (messages is not null)
        {
            // A codec is attached: whole messages instead of data, the rest of a message left in the pipe.
            ValueTask<MessageBatch> batch = DispatchMessagesAsync(messages, input, result);
            if (!batch.IsCompletedSuccessfully)
            {
                return AwaitMessagesAsync(batch, result.IsCompleted);
            }

            AfterMessages(batch.Result, result.IsCompleted);
            return default;
        }

        if (!buffer.IsEmpty)
        {
            _inDispatch = true;
            ValueTask handled = default;
            try
            {
                if (_extras?.Decoder is not null)
                {
                    SafeEmitText(buffer);
                }
                else
                {
                    handled = EmitAsync(s_data, buffer);
                }
            }
            catch (Exception ex)
            {
                try
                {
                    input.AdvanceTo(buffer.End);
                    HandlerFailed(ex);
                }
                finally
                {
                    EndDispatch();
                }

                return default;
            }

            if (!handled.IsCompletedSuccessfully)
            {
                return AwaitDataHandlersAsync(handled, input, buffer, result.IsCompleted);
            }

            EndDispatch();
        }

        input.AdvanceTo(buffer.End);
        AfterRead(result.IsCompleted);
        return default;
    }

    /// <summary>An async <c>data</c> handler is still running: the buffers stay ours until it completes.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitDataHandlersAsync(ValueTask handled, PipeReader input, ReadOnlySequence<byte> buffer, bool completed)
    {
        try
        {
            await handled.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            input.AdvanceTo(buffer.End);
            HandlerFailed(ex);
            return;
        }
        finally
        {
            EndDispatch();
        }

        input.AdvanceTo(buffer.End);
        AfterRead(completed);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitMessagesAsync(ValueTask<MessageBatch> batch, bool completed) =>
        AfterMessages(await batch.ConfigureAwait(false), completed);

    /// <summary>After a codec's pass: a failed pass already destroyed the socket; an interrupted one has no end of stream to report yet.</summary>
    private void AfterMessages(MessageBatch batch, bool completed)
    {
        if (batch == MessageBatch.Drained)
        {
            AfterRead(completed);
        }
    }

    /// <summary>After a read was handled: the peer's end of stream raises <c>end</c>, and ends our side unless half-open.</summary>
    private void AfterRead(bool completed)
    {
        if (completed)
        {
            lock (this)
            {
                SetFlag(NetSocketFlags.ReadEnded);
            }

            SafeEmit(s_end);
            if (!_options.AllowHalfOpen)
            {
                End();
            }
        }
    }

    private void SafeEmitText(ReadOnlySequence<byte> buffer)
    {
        // Decoding keeps multi-byte characters split across reads intact; the string is the one
        // allocation SetEncoding asks for.
        Decoder decoder = _extras!.Decoder!;
        int chars = 0;
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            chars += decoder.GetCharCount(segment.Span, flush: false);
        }

        string text = string.Create(chars, (buffer, decoder), static (span, state) =>
        {
            foreach (ReadOnlyMemory<byte> segment in state.buffer)
            {
                int written = state.decoder.GetChars(segment.Span, span, flush: false);
                span = span[written..];
            }
        });
        if (text.Length > 0)
        {
            Emit(s_data, text);
        }
    }
}
