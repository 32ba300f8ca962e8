using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace PipeNet.Transport.Tcp.Internal;

internal sealed partial class PipeSocketConnection
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
                    error = ClosedError() ?? CloseError;
                    break;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    SocketSender sender = _senders.Rent();
                    SocketOperationResult sent = await sender.SendAsync(Socket, buffer).ConfigureAwait(false);
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
        AddBytesWritten(sent);
        output.AdvanceTo(buffer.GetPosition(sent));
        return sent == buffer.Length;
    }

    private async Task EndSendingAsync(PipeReader output, Exception? error)
    {
        // The application finished writing: FIN, and the input stays readable (half-close). Not needed once
        // the receive side is done: the close that follows at once sends it.
        if (error is null && !ReceiveEnded)
        {
            ShutdownSend();
        }

        ReportSendProgress(ended: true);
        await output.CompleteAsync(error).ConfigureAwait(false);
    }
}
