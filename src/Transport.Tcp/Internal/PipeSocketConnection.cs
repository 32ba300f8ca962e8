using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// The portable engine's connection: a .NET <see cref="Socket"/> with two pipes and two pumps.
/// </summary>
/// <remarks>
/// <code>
///  socket ──receive loop──▶ input pipe ──▶ Transport.Input  (application reads)
///  socket ◀──send loop──── output pipe ◀── Transport.Output (application writes)
/// </code>
/// </remarks>
internal sealed partial class PipeSocketConnection : SocketConnection
{
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly SocketReceiver _receiver;
    private readonly SocketSenderPool _senders;
    private readonly bool _waitForData;
    private Task _processing = Task.CompletedTask;
    private Task _sendLoop = Task.CompletedTask;

    public PipeSocketConnection(Socket socket, IOLoop loop, bool waitForData, ILogger logger)
        : base(socket, logger)
    {
        _waitForData = waitForData;
        _receiver = new SocketReceiver(loop.Scheduler);
        _input = new Pipe(loop.InputOptions);
        _output = new Pipe(loop.OutputOptions);
        _senders = loop.Senders;
        _maxUnconsumed = loop.InputOptions.PauseWriterThreshold;
        Transport = new DuplexPipe(_maxUnconsumed > 0 ? new ConsumingReader(this, _input.Reader) : _input.Reader, _output.Writer);
    }

    public override IDuplexPipe Transport { get; set; }

    public override void Start() => _processing = RunAsync();

    public override async ValueTask DisposeAsync()
    {
        // The application is done with both directions: flush what it wrote (the send loop then sends
        // FIN), then close, which also ends a receive still waiting for the peer.
        TrySetCloseReason(ConnectionCloseReason.LocalClose);
        ReleaseRoomWaiter();
        await _input.Reader.CompleteAsync().ConfigureAwait(false);
        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        await _sendLoop.ConfigureAwait(false);
        Shutdown(null, reset: false);
        await _processing.ConfigureAwait(false);

        // The two token sources are not disposed: they own no timer, and ConnectionClosed is
        // cancelled on the thread pool, possibly after this returns.
    }

    // Abort, or a dead receive side: wake the send loop if it waits for application data; it then sees the
    // socket is gone.
    protected override void OnSocketClosed()
    {
        _output.Reader.CancelPendingRead();
        ReleaseRoomWaiter();
    }

    private async Task RunAsync()
    {
        Task receiveLoop = ReceiveLoopAsync();
        _sendLoop = SendLoopAsync();
        await _sendLoop.ConfigureAwait(false);
        await receiveLoop.ConfigureAwait(false);
        _receiver.Dispose();
        Finish();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
