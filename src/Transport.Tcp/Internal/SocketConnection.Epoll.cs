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

                if (bytes == 0)
                {
                    _closeReason.TrySetCloseReason(ConnectionCloseReason.PeerClosed);
                    TcpLog.PeerClosed(_logger, ConnectionId);
                    break;
                }

                lastReadFilledBuffer = bytes == buffer.Length;
                input.Advance(bytes);
                Volatile.Write(ref _bytesRead, _bytesRead + bytes);

                // Runs the application inline. When it falls behind, this await holds the pump until it has
                // read below the resume threshold; edges that arrive meanwhile are counted, not lost.
                FlushResult flush = await input.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            error = ClosedError();
        }
        catch (Exception ex)
        {
            error = ex;
        }

        // Set before completing the input, which may run the application (and its last send) inline.
        _receiveEnded = true;
        await input.CompleteAsync(error).ConfigureAwait(false);
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

                    Interlocked.Add(ref _bytesWritten, sent);
                    if (_progressWaiters is { Count: > 0 })
                    {
                        ReportSendProgress(ended: false);
                    }

                    output.AdvanceTo(buffer.GetPosition(sent));
                    if (sent < buffer.Length)
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
        catch (ObjectDisposedException)
        {
            error = ClosedError();
        }
        catch (Exception ex)
        {
            error = ex;
        }

        // FIN for an orderly end. Not needed once the receive side is done: the close that follows at once sends it.
        if (error is null && !_receiveEnded)
        {
            ShutdownSend();
        }

        ReportSendProgress(ended: true);
        await output.CompleteAsync(error).ConfigureAwait(false);
    }
}
