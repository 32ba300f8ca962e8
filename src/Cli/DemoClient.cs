using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tcp;

namespace PipeNet.Cli;

/// <summary>
/// One closed-loop demo client: send a message, wait for the whole echo, record the round trip, repeat.
/// The loop allocates nothing per message: the message and the compare buffer are reused, and pipe reads
/// and flushes complete through pooled value tasks.
/// </summary>
internal sealed class DemoClient : IAsyncDisposable
{
    private readonly ConnectionContext _connection;
    private readonly LatencyHistogram _latencies;
    private readonly byte[] _message;
    private readonly byte[] _scratch;

    private DemoClient(ConnectionContext connection, int id, int messageSize, LatencyHistogram latencies)
    {
        _connection = connection;
        _latencies = latencies;
        _message = new byte[messageSize];
        _scratch = new byte[messageSize];

        // Distinct content per client, so an echo delivered to the wrong connection would be caught.
        for (int i = 0; i < _message.Length; i++)
        {
            _message[i] = (byte)('a' + ((id + i) % 26));
        }
    }

    /// <summary>Connects a client that records its round trips in <paramref name="latencies"/>.</summary>
    /// <exception cref="NetException">The connect failed.</exception>
    public static async Task<DemoClient> ConnectAsync(TcpConnector connector, EndPoint server, int id, int messageSize, LatencyHistogram latencies, CancellationToken cancellationToken)
    {
        ConnectionContext connection = await connector.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        return new DemoClient(connection, id, messageSize, latencies);
    }

    /// <summary>Runs round trips until <paramref name="stop"/> is cancelled; a round trip in flight then is not counted.</summary>
    /// <exception cref="EndOfStreamException">The server closed the connection.</exception>
    /// <exception cref="InvalidDataException">An echo differed from the message sent.</exception>
    public async Task RunAsync(CancellationToken stop)
    {
        PipeReader input = _connection.Transport.Input;
        PipeWriter output = _connection.Transport.Output;

        // Cancelling pending operations (rather than passing the token to every read) keeps the loop free
        // of per-call cancellation registrations; a cancelled read or flush reports IsCanceled.
        using CancellationTokenRegistration registration = stop.UnsafeRegister(
            static state =>
            {
                var transport = (IDuplexPipe)state!;
                transport.Input.CancelPendingRead();
                transport.Output.CancelPendingFlush();
            },
            _connection.Transport);

        while (!stop.IsCancellationRequested)
        {
            long started = Stopwatch.GetTimestamp();
            output.Write(_message.AsSpan());
            FlushResult flush = await output.FlushAsync().ConfigureAwait(false);
            if (flush.IsCanceled)
            {
                return;
            }

            if (flush.IsCompleted)
            {
                throw new EndOfStreamException("The server stopped reading.");
            }

            ReadResult result = await input.ReadAtLeastAsync(_message.Length).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length < _message.Length)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCanceled)
                {
                    return;
                }

                throw new EndOfStreamException($"The server closed the connection after {buffer.Length} of {_message.Length} echoed bytes.");
            }

            ReadOnlySequence<byte> echo = buffer.Slice(0, _message.Length);
            bool intact = IsMessage(echo);
            input.AdvanceTo(echo.End);
            if (!intact)
            {
                throw new InvalidDataException("The echo differs from the message sent.");
            }

            _latencies.RecordSince(started);
        }
    }

    /// <summary>Closes the connection (FIN) and waits for the transport to let go of it.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private bool IsMessage(ReadOnlySequence<byte> echo)
    {
        if (echo.IsSingleSegment)
        {
            return echo.FirstSpan.SequenceEqual(_message);
        }

        echo.CopyTo(_scratch);
        return _scratch.AsSpan().SequenceEqual(_message);
    }
}
