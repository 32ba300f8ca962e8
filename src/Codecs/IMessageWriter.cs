using System.Buffers;

namespace PipeNet.Codecs;

/// <summary>The writing half of a protocol: frames one message into an output buffer.</summary>
/// <typeparam name="TMessage">The message to encode.</typeparam>
/// <remarks>
/// Implementations are stateless and thread-safe, and validate a message before writing any byte of it, so a
/// rejected message leaves the output untouched.
/// </remarks>
public interface IMessageWriter<in TMessage>
{
    /// <summary>Writes <paramref name="message"/>, framing included, to <paramref name="output"/>. Does not flush.</summary>
    /// <param name="message">The message.</param>
    /// <param name="output">Where the bytes go: a connection's <c>PipeWriter</c> or any buffer writer.</param>
    /// <exception cref="ArgumentException">The message cannot be framed by this protocol (too long for its length field, the wrong size, containing its delimiter).</exception>
    void WriteMessage(TMessage message, IBufferWriter<byte> output);
}
