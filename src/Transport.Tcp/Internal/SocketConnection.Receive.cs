using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Transport.Tcp.Internal;

internal sealed partial class SocketConnection
{
    // The most a single receive asks for: one 16 KiB block, so a bulk stream takes 4 receives per 64 KiB, not 16.
    private const int MinReceiveBufferSize = PinnedBlockMemoryPool.BlockSize;

    private async Task ReceiveLoopAsync()
    {
        Exception? error = null;
        PipeWriter input = _input.Writer;
        try
        {
            bool lastReadFilledBuffer = false;
            while (true)
            {
                // After a read that filled its buffer more data is most likely waiting, so read again at
                // once; only after a short read (the peer paused) wait for readability without a buffer.
                if (_waitForData && !lastReadFilledBuffer)
                {
                    // Idle connections hold no buffer: wait for readability first, rent memory after.
                    SocketOperationResult ready = await _receiver!.WaitForDataAsync(_socket!).ConfigureAwait(false);
                    if (ready.HasError)
                    {
                        error = ReceiveError(ready.Error!);
                        break;
                    }
                }

                Memory<byte> buffer = input.GetMemory(MinReceiveBufferSize);
                SocketOperationResult received = await _receiver!.ReceiveAsync(_socket!, buffer).ConfigureAwait(false);
                if (received.HasError)
                {
                    error = ReceiveError(received.Error!);
                    break;
                }

                int bytes = received.BytesTransferred;
                if (!Received(input, bytes))
                {
                    break;
                }

                lastReadFilledBuffer = bytes == buffer.Length;

                // When the application falls behind, this await holds the loop (and so the socket)
                // until it has read below the resume threshold: a slow reader costs bounded memory.
                if (IsLastFlush(await input.FlushAsync().ConfigureAwait(false)))
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            // Never let an exception escape a pump: it completes the pipe instead.
            error = PumpError(ex);
        }

        await EndReceivingAsync(input, error).ConfigureAwait(false);
    }

    /// <summary>Commits <paramref name="bytes"/> received into the input; <c>false</c> at the peer's FIN (0 bytes).</summary>
    private bool Received(PipeWriter input, int bytes)
    {
        if (bytes == 0)
        {
            // The peer sent FIN: end the input, keep the output writable (half-open).
            _closeReason.TrySetCloseReason(ConnectionCloseReason.PeerClosed);
            TcpLog.PeerClosed(_logger, ConnectionId);
            return false;
        }

        input.Advance(bytes);
        Volatile.Write(ref _bytesRead, _bytesRead + bytes);
        return true;
    }

    private static bool IsLastFlush(FlushResult flush) => flush.IsCompleted || flush.IsCanceled;

    /// <summary>What a pump reports for an exception: a socket closed under it is the recorded reason, not an error of its own.</summary>
    private Exception? PumpError(Exception exception) => exception is ObjectDisposedException ? ClosedError() : exception;

    private async Task EndReceivingAsync(PipeWriter input, Exception? error)
    {
        // Set before completing the input, which may run the application (and its last send) inline.
        _receiveEnded = true;
        await input.CompleteAsync(error).ConfigureAwait(false);
    }

    private Exception? ReceiveError(SocketException exception)
    {
        if (exception.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.Shutdown || _socketDisposed)
        {
            // We closed the socket ourselves; report why, if it was not an orderly close.
            return ClosedError();
        }

        NetException error = NetException.FromSocketException(exception, "receive");
        _closeReason.TrySetCloseReason(error.Code == NetErrorCode.ConnectionReset ? ConnectionCloseReason.PeerReset : ConnectionCloseReason.Error, error);
        TcpLog.ReceiveFailed(_logger, ConnectionId, error.Code, error);

        // The socket is dead in both directions: stop a send that may be waiting on the peer.
        Shutdown(error, reset: false);
        _output.Reader.CancelPendingRead();
        return error;
    }

    /// <summary>What a pump reports after the socket was closed under it: the recorded reason, or nothing for an orderly close.</summary>
    private Exception? ClosedError() => _shutdownReason ?? (_aborted ? new ConnectionAbortedException("The connection was aborted.") : null);
}
