using System.IO.Pipelines;

namespace PipeNet.Codecs;

/// <summary>
/// Writes whole messages to a <see cref="PipeWriter"/> through a protocol's <see cref="IMessageWriter{TMessage}"/>:
/// the codec encodes straight into the pipe's memory. Created by <c>connection.CreateWriter(codec)</c>.
/// </summary>
/// <remarks>Not thread-safe: one producer writes at a time, as with the <see cref="PipeWriter"/> underneath.</remarks>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class MessageWriter<TMessage>
{
    private readonly PipeWriter _output;
    private readonly IMessageWriter<TMessage> _writer;

    /// <summary>Creates a writer over <paramref name="output"/>.</summary>
    /// <param name="output">The pipe to write.</param>
    /// <param name="writer">The protocol's writing half.</param>
    /// <exception cref="ArgumentNullException">A <c>null</c> argument.</exception>
    public MessageWriter(PipeWriter output, IMessageWriter<TMessage> writer)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(writer);
        _output = output;
        _writer = writer;
    }

    /// <summary>The pipe underneath.</summary>
    public PipeWriter Output => _output;

    /// <summary>Writes one message and flushes it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels a flush held back by a slow peer.</param>
    /// <returns>The flush's result; <see cref="FlushResult.IsCompleted"/> means the peer's side stopped reading.</returns>
    /// <exception cref="ArgumentException">The codec cannot frame <paramref name="message"/>; nothing was written.</exception>
    public ValueTask<FlushResult> WriteAsync(TMessage message, CancellationToken cancellationToken = default)
    {
        _writer.WriteMessage(message, _output);
        return _output.FlushAsync(cancellationToken);
    }

    /// <summary>Writes one message without flushing: batch several, then <see cref="FlushAsync"/> once.</summary>
    /// <param name="message">The message.</param>
    /// <exception cref="ArgumentException">The codec cannot frame <paramref name="message"/>; nothing was written.</exception>
    public void Write(TMessage message) => _writer.WriteMessage(message, _output);

    /// <summary>Flushes the messages written by <see cref="Write"/>.</summary>
    /// <param name="cancellationToken">Cancels a flush held back by a slow peer.</param>
    /// <returns>The flush's result.</returns>
    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => _output.FlushAsync(cancellationToken);
}
