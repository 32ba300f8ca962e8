using System.Buffers;

namespace PipeNet.Internal;

/// <summary>The codec a <see cref="NetSocket"/> hands its received bytes to instead of raising <c>data</c>.</summary>
internal interface IMessageDispatcher
{
    /// <summary>Whether anyone listens for messages; until then received bytes wait in the pipe.</summary>
    bool HasHandlers { get; }

    /// <summary>Parses the next message from <paramref name="buffer"/> and raises <c>message</c> with it.</summary>
    /// <param name="buffer">The unconsumed bytes; on success, what follows the message.</param>
    /// <param name="examined">On failure, how far the decoder looked.</param>
    /// <param name="handled">Completes when the handlers are done with the message (its bytes stay valid until then).</param>
    /// <returns><c>false</c> when no whole message is buffered.</returns>
    bool TryDispatch(ref ReadOnlySequence<byte> buffer, out SequencePosition examined, out ValueTask handled);
}
