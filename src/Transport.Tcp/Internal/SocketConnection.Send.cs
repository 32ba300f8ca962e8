using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using PipeNet.Transport.Tcp.Internal.Epoll;

namespace PipeNet.Transport.Tcp.Internal;

internal sealed partial class SocketConnection
{
    private readonly Lock _progressLock = new();
    private List<(long Total, TaskCompletionSource<bool> Waiter)>? _progressWaiters;
    private bool _sendingEnded;

    public Task<bool> WaitForBytesWrittenAsync(long totalBytes)
    {
        if (BytesWritten >= totalBytes)
        {
            return Task.FromResult(true);
        }

        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_progressLock)
        {
            (_progressWaiters ??= []).Add((totalBytes, waiter));
        }

        // Registered first, checked after: either the send loop sees the waiter, or this sees its bytes
        // (the send loop publishes them with a full fence before looking for waiters).
        ReportSendProgress(ended: Volatile.Read(ref _sendingEnded));
        return waiter.Task;
    }

    /// <summary>Completes the progress waiters the bytes sent so far satisfy (all of them once sending ended).</summary>
    private void ReportSendProgress(bool ended)
    {
        lock (_progressLock)
        {
            if (ended)
            {
                Volatile.Write(ref _sendingEnded, true);
            }

            if (_progressWaiters is not { Count: > 0 } waiters)
            {
                return;
            }

            long sent = BytesWritten;
            for (int i = waiters.Count - 1; i >= 0; i--)
            {
                if (waiters[i].Total <= sent || _sendingEnded)
                {
                    waiters[i].Waiter.TrySetResult(waiters[i].Total <= sent);
                    waiters.RemoveAt(i);
                }
            }
        }
    }

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
                    SocketSender sender = _senders.Rent();
                    SocketOperationResult sent = await sender.SendAsync(_socket!, buffer).ConfigureAwait(false);
                    sender.Reset();
                    _senders.Return(sender);
                    if (sent.HasError)
                    {
                        error = SendError(sent.Error!);
                        break;
                    }

                    if (!Sent(output, buffer, sent.BytesTransferred))
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
        catch (Exception ex)
        {
            error = PumpError(ex);
        }

        await EndSendingAsync(output, error).ConfigureAwait(false);
    }

    /// <summary>Accounts for <paramref name="sent"/> bytes of <paramref name="buffer"/>; <c>false</c> when the send was partial.</summary>
    private bool Sent(PipeReader output, in ReadOnlySequence<byte> buffer, int sent)
    {
        Interlocked.Add(ref _bytesWritten, sent);
        if (_progressWaiters is { Count: > 0 })
        {
            ReportSendProgress(ended: false);
        }

        output.AdvanceTo(buffer.GetPosition(sent));
        return sent == buffer.Length;
    }

    private async Task EndSendingAsync(PipeReader output, Exception? error)
    {
        // The application finished writing: FIN, and the input stays readable (half-close). Not needed once
        // the receive side is done: the close that follows at once sends it.
        if (error is null && !_receiveEnded)
        {
            ShutdownSend();
        }

        ReportSendProgress(ended: true);
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

            // Best effort: the peer may have reset already; the receive loop reports that.
            if (_socket is null)
            {
                LinuxInterop.ShutdownSend(_handle!);
                return;
            }

            try
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
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
