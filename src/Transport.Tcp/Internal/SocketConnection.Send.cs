using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace PipeNet.Transport.Tcp.Internal;

internal sealed partial class SocketConnection
{
    private async Task SendLoopAsync()
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
                    // Abort or a dead receive side woke us: the socket is gone, stop sending.
                    error = ClosedError() ?? _closeReason.CloseError;
                    break;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    SocketOperationResult sent = await _sender.SendAsync(_socket, buffer).ConfigureAwait(false);
                    _sender.Reset();
                    if (sent.HasError)
                    {
                        error = SendError(sent.Error!);
                        break;
                    }

                    Volatile.Write(ref _bytesWritten, _bytesWritten + sent.BytesTransferred);
                    output.AdvanceTo(buffer.GetPosition(sent.BytesTransferred));
                    if (sent.BytesTransferred < buffer.Length)
                    {
                        continue; // A partial send: the rest is read back at once.
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

        if (error is null)
        {
            // The application finished writing: FIN, and the input stays readable (half-close).
            ShutdownSend();
        }

        await output.CompleteAsync(error).ConfigureAwait(false);
    }

    private void ShutdownSend()
    {
        lock (_shutdownLock)
        {
            if (_socketDisposed)
            {
                return;
            }

            try
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // Best effort: the peer may have reset already; the receive loop reports that.
            }
        }
    }

    private Exception? SendError(SocketException exception)
    {
        if (exception.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted || _socketDisposed)
        {
            return ClosedError();
        }

        NetException error = NetException.FromSocketException(exception, "send");
        _closeReason.TrySetCloseReason(error.Code is NetErrorCode.ConnectionReset or NetErrorCode.BrokenPipe ? ConnectionCloseReason.PeerReset : ConnectionCloseReason.Error, error);
        TcpLog.SendFailed(_logger, ConnectionId, error.Code, error);
        Shutdown(error, reset: false);
        return error;
    }
}
