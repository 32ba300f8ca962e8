using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Codecs;

/// <summary>Message readers and writers over a connection's pipes: <c>connection.CreateReader(codec)</c>.</summary>
public static class CodecConnectionExtensions
{
    /// <summary>Reads messages from <paramref name="connection"/>'s input through <paramref name="reader"/>.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="connection">The connection.</param>
    /// <param name="reader">The protocol (any codec).</param>
    /// <param name="options">Limits; the defaults (1 MiB per message) when <c>null</c>.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="ArgumentNullException">A <c>null</c> connection or reader.</exception>
    public static MessageReader<TMessage> CreateReader<TMessage>(this ConnectionContext connection, IMessageReader<TMessage> reader, MessageReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.Transport.CreateReader(reader, options);
    }

    /// <summary>Writes messages to <paramref name="connection"/>'s output through <paramref name="writer"/>.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="connection">The connection.</param>
    /// <param name="writer">The protocol (any codec).</param>
    /// <returns>The writer.</returns>
    /// <exception cref="ArgumentNullException">A <c>null</c> argument.</exception>
    public static MessageWriter<TMessage> CreateWriter<TMessage>(this ConnectionContext connection, IMessageWriter<TMessage> writer)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.Transport.CreateWriter(writer);
    }

    /// <summary>Reads messages from <paramref name="pipe"/>'s input through <paramref name="reader"/>.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="pipe">The duplex pipe.</param>
    /// <param name="reader">The protocol (any codec).</param>
    /// <param name="options">Limits; the defaults (1 MiB per message) when <c>null</c>.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="ArgumentNullException">A <c>null</c> pipe or reader.</exception>
    public static MessageReader<TMessage> CreateReader<TMessage>(this IDuplexPipe pipe, IMessageReader<TMessage> reader, MessageReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        return new MessageReader<TMessage>(pipe.Input, reader, options);
    }

    /// <summary>Writes messages to <paramref name="pipe"/>'s output through <paramref name="writer"/>.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="pipe">The duplex pipe.</param>
    /// <param name="writer">The protocol (any codec).</param>
    /// <returns>The writer.</returns>
    /// <exception cref="ArgumentNullException">A <c>null</c> argument.</exception>
    public static MessageWriter<TMessage> CreateWriter<TMessage>(this IDuplexPipe pipe, IMessageWriter<TMessage> writer)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        return new MessageWriter<TMessage>(pipe.Output, writer);
    }
}
