using System.Buffers;
using System.Text;

namespace PipeNet.Tests;

/// <summary>A client conversation: send a text on connect, collect what comes back until the socket closes.</summary>
internal static class Talk
{
    /// <summary>
    /// Hands <paramref name="start"/> the handlers to register before it connects (so none misses an event), then waits
    /// for the close.
    /// </summary>
    public static async Task<(NetSocket Socket, string Received, List<Exception> Errors)> RunAsync(string text, Func<Action<NetSocket>, NetSocket> start)
    {
        var received = new StringBuilder();
        var errors = new List<Exception>();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        NetSocket socket = start(socket => socket
            .OnData((ReadOnlySequence<byte> data) =>
            {
                received.Append(Encoding.UTF8.GetString(data));
                if (received.Length >= text.Length)
                {
                    socket.End();
                }
            })
            .OnError(errors.Add)
            .OnClose(_ => closed.TrySetResult())
            .OnConnect(() => socket.Write(text)));
        await closed.Task.WithTimeout();
        return (socket, received.ToString(), errors);
    }
}
