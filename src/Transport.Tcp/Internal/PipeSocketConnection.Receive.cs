using System.IO.Pipelines;
using System.Net.Sockets;

namespace PipeNet.Transport.Tcp.Internal;

internal sealed partial class PipeSocketConnection
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
                    SocketOperationResult ready = await _receiver.WaitForDataAsync(Socket).ConfigureAwait(false);
                    if (ready.HasError)
                    {
                        error = ReceiveError(ready.Error!);
                        break;
                    }
                }

                Memory<byte> buffer = input.GetMemory(MinReceiveBufferSize);
                SocketOperationResult received = await _receiver.ReceiveAsync(Socket, buffer).ConfigureAwait(false);
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

                // And while it holds MaxReadBufferSize examined but not consumed (see WaitForRoomAsync).
                await WaitForRoomAsync(bytes).ConfigureAwait(false);
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
            PeerClosed();
            return false;
        }

        input.Advance(bytes);
        AddBytesRead(bytes);
        return true;
    }

    private static bool IsLastFlush(FlushResult flush) => flush.IsCompleted || flush.IsCanceled;

    private async Task EndReceivingAsync(PipeWriter input, Exception? error)
    {
        // Set before completing the input, which may run the application (and its last send) inline.
        ReceiveEnded = true;
        await input.CompleteAsync(error).ConfigureAwait(false);
    }
}
