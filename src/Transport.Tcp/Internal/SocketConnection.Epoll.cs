using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using PipeNet.Transport.Tcp.Internal.Epoll;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// The pumps of the epoll engine. They make the syscalls themselves (non-blocking) and wait only for an
/// edge when the socket has nothing to give or no room to take; the loop resumes them inline, and the
/// application's continuation and its answer's send run on in the same call, on the same thread.
/// </summary>
internal sealed partial class SocketConnection
{
    private async Task EpollReceiveLoopAsync(EpollSocket socket)
    {
        Exception? error = null;
        PipeWriter input = _input.Writer;
        try
        {
            // Nothing seen yet: the registration's own edge (data already queued) moves the signal past 0.
            int seen = 0;
            bool lastReadFilledBuffer = false;
            while (true)
            {
                // After a short read the socket is drained: wait for the next edge before renting a buffer,
                // so an idle connection holds none. A read that filled its buffer goes again at once.
                if (!lastReadFilledBuffer && !await socket.Readable.WaitAsync(seen).ConfigureAwait(false))
                {
                    error = ClosedError();
                    break;
                }

                seen = socket.Readable.Sequence;
                Memory<byte> buffer = input.GetMemory(MinReceiveBufferSize);
                SocketError status = socket.Receive(buffer.Span, out int bytes);
                if (status == SocketError.WouldBlock)
                {
                    lastReadFilledBuffer = false;
                    continue;
                }

                if (status != SocketError.Success)
                {
                    error = ReceiveError(new SocketException((int)status));
                    break;
                }

                if (!Received(input, bytes))
                {
                    break;
                }

                lastReadFilledBuffer = bytes == buffer.Length;

                // Runs the application inline. When it falls behind, this await holds the pump until it has
                // read below the resume threshold; edges that arrive meanwhile are counted, not lost.
                if (IsLastFlush(await input.FlushAsync().ConfigureAwait(false)))
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = PumpError(ex);
        }

        await EndReceivingAsync(input, error).ConfigureAwait(false);
    }

    private async Task EpollSendLoopAsync(EpollSocket socket)
    {
        Exception? error = null;
        PipeReader output = _output.Reader;
        try
        {
            while (true)
            {
                ReadResult result = await output.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    error = ClosedError() ?? _closeReason.CloseError;
                    break;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    int seen = socket.Writable.Sequence;
                    SocketError status = socket.Send(buffer, out int sent);
                    if (status == SocketError.WouldBlock)
                    {
                        // The socket buffer is full: keep the data, wait for room, read it back.
                        output.AdvanceTo(buffer.Start);
                        if (!await socket.Writable.WaitAsync(seen).ConfigureAwait(false))
                        {
                            error = ClosedError();
                            break;
                        }

                        continue;
                    }

                    if (status != SocketError.Success)
                    {
                        error = SendError(new SocketException((int)status));
                        break;
                    }

                    if (!Sent(output, buffer, sent))
                    {
                        continue;
                    }
                }
                else
                {
                    output.AdvanceTo(buffer.End);
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = PumpError(ex);
        }

        await EndSendingAsync(output, error).ConfigureAwait(false);
    }
}
