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
    /// synchronously while the handlers do; <c>false</c> ends the loop.
    /// </summary>
    /// <param name="result">The read.</param>
    /// <param name="messages">The codec seen before the read, if any.</param>
    /// <param name="consume">Whether anybody listened for data before the read.</param>
    private ValueTask<bool> OnReadAsync(ReadResult result, IMessageDispatcher? messages, bool consume)
    {
        PipeReader input = _input!;
        ReadOnlySequence<byte> buffer = result.Buffer;
        if (result.IsCanceled)
        {
            // A wake-up, not data. But bytes kept for a first handler come back with it, and the pipe will not
            // hand bytes it saw examined over again until more arrive: if a handler (or codec) has appeared
            // since, deliver them now instead of waiting for the peer to send something else.
            messages = Messages;
            consume = messages?.HasHandlers ?? ListenerCount(s_data) > 0;
            if (buffer.IsEmpty || !consume || _paused || PendingFlush is not null || Volatile.Read(ref _destroyed))
            {
                input.AdvanceTo(buffer.Start); // keep what is buffered for the next read
                return new(true);
            }
        }

        if (!consume && !(buffer.IsEmpty && result.IsCompleted))
        {
            // Nobody listens for data yet: keep it for the first handler (as Node buffers it), but
            // watch for the end of stream so a socket that never gets data still sees the peer's FIN.
            input.AdvanceTo(buffer.Start, buffer.End);
            _unreadDataAtEnd = result.IsCompleted;
            return new(true);
        }

        if (messages is not null)
        {
            // A codec is attached: whole messages instead of data, the rest of a message left in the pipe.
            ValueTask<MessageBatch> batch = DispatchMessagesAsync(messages, input, result);
            return batch.IsCompletedSuccessfully
                ? new(AfterMessages(batch.Result, result.IsCompleted))
                : AwaitMessagesAsync(batch, result.IsCompleted);
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
                    _inDispatch = false;
                    FlushAfterDispatch();
                }

                return new(false);
            }

            if (!handled.IsCompletedSuccessfully)
            {
                return AwaitDataHandlersAsync(handled, input, buffer, result.IsCompleted);
            }

            _inDispatch = false;
            FlushAfterDispatch();
        }

        input.AdvanceTo(buffer.End);
        return new(AfterRead(result.IsCompleted));
    }

    /// <summary>An async <c>data</c> handler is still running: the buffers stay ours until it completes.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> AwaitDataHandlersAsync(ValueTask handled, PipeReader input, ReadOnlySequence<byte> buffer, bool completed)
    {
        try
        {
            await handled.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            input.AdvanceTo(buffer.End);
            HandlerFailed(ex);
            return false;
        }
        finally
        {
            _inDispatch = false;
            FlushAfterDispatch();
        }

        input.AdvanceTo(buffer.End);
        return AfterRead(completed);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> AwaitMessagesAsync(ValueTask<MessageBatch> batch, bool completed) =>
        AfterMessages(await batch.ConfigureAwait(false), completed);

    private bool AfterMessages(MessageBatch batch, bool completed) => batch switch
    {
        MessageBatch.Failed => false,
        MessageBatch.Interrupted => true,
        _ => AfterRead(completed),
    };

    /// <summary>After a read was handled: the peer's end of stream raises <c>end</c>, and ends our side unless half-open.</summary>
    private bool AfterRead(bool completed)
    {
        if (completed)
        {
            lock (_lock)
            {
                _readEnded = true;
            }

            SafeEmit(s_end);
            if (!_options.AllowHalfOpen)
            {
                End();
            }
        }

        return true;
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
