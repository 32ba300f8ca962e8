using System.Buffers;

namespace PipeNet.Codecs;

/// <summary>The reading half of a protocol: parses one message from the bytes received so far.</summary>
/// <typeparam name="TMessage">The decoded message.</typeparam>
/// <remarks>
/// Implementations are stateless, so one instance serves every connection at once. A decoder that
/// returns a slice of <c>input</c> (as the byte-level codecs do) allocates nothing per message; the slice is
/// valid only until the reader moves on (see <see cref="MessageReader{TMessage}.ReadAsync"/>).
/// </remarks>
public interface IMessageReader<TMessage>
{
    /// <summary>Tries to parse one message from the start of <paramref name="input"/>.</summary>
    /// <param name="input">The unconsumed bytes received so far, starting at a message boundary.</param>
    /// <param name="consumed">
    /// On entry <c>input.Start</c>. On success, set it to the end of the message's frame: the reader releases
    /// everything before it once the message has been handled.
    /// </param>
    /// <param name="examined">
    /// On entry <c>input.End</c>. Set it to the end of the message on success; on failure leave it (or set it to
    /// how far the parser looked), and the reader waits for bytes past it before calling again.
    /// </param>
    /// <param name="message">The message, when the method returns <c>true</c>.</param>
    /// <returns><c>true</c> when a whole message was parsed; <c>false</c> when more bytes are needed.</returns>
    /// <exception cref="NetException">
    /// The bytes can never form a valid message: code <see cref="NetErrorCode.ProtocolError"/> (<c>EPROTO</c>) for
    /// malformed input, <see cref="NetErrorCode.MessageTooLong"/> (<c>EMSGSIZE</c>) for a frame declared over a limit.
    /// </exception>
    bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out TMessage message);
}
