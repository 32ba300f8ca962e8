using System.Buffers;
using PipeNet.Codecs.Internal;

namespace PipeNet.Codecs;

/// <summary>
/// One step of a reader loop: parse the next message under a size limit. <see cref="MessageReader{TMessage}"/>
/// and the facade's <c>NetSocket.UseCodec</c> are built on it; use it for a loop of your own.
/// </summary>
public static class MessageParser
{
    /// <summary>
    /// Parses the next message from <paramref name="buffer"/>, which starts at a message boundary. The decoder
    /// sees at most <paramref name="maxMessageSize"/> bytes; when that many are buffered and still form no
    /// message, the message is too long.
    /// </summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="reader">The protocol's reading half.</param>
    /// <param name="buffer">The unconsumed bytes; on success, what follows the message.</param>
    /// <param name="maxMessageSize">The most bytes one message's frame may take.</param>
    /// <param name="message">The message, on success.</param>
    /// <param name="examined">On failure, how far the decoder looked (advance the pipe's examined position to it).</param>
    /// <returns><c>true</c> when a message was parsed; <c>false</c> when more bytes are needed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxMessageSize"/> is zero or negative.</exception>
    /// <exception cref="NetException">
    /// <c>EMSGSIZE</c> when <paramref name="maxMessageSize"/> bytes hold no whole message; whatever the decoder
    /// throws (<c>EPROTO</c>, <c>EMSGSIZE</c>) for bytes that can never form one.
    /// </exception>
    public static bool TryParse<TMessage>(IMessageReader<TMessage> reader, ref ReadOnlySequence<byte> buffer, long maxMessageSize, out TMessage message, out SequencePosition examined)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageSize);

        // The decoder never sees more than the limit, so a message that fits is found however much follows it,
        // and one that does not can make the connection buffer no more than the limit.
        bool overLimit = buffer.Length > maxMessageSize;
        ReadOnlySequence<byte> window = overLimit ? buffer.Slice(0, maxMessageSize) : buffer;
        SequencePosition consumed = window.Start;
        examined = window.End;
        if (reader.TryParseMessage(window, ref consumed, ref examined, out message))
        {
            buffer = buffer.Slice(consumed);
            examined = consumed;
            return true;
        }

        if (window.Length >= maxMessageSize)
        {
            throw CodecErrors.MessageTooLong(maxMessageSize);
        }

        return false;
    }
}
