using System.Buffers;

namespace PipeNet;

public sealed partial class NetSocket
{
    /// <summary>
    /// Registers a <c>data</c> handler. <paramref name="handler"/> gets the connection's own buffers:
    /// valid only until it returns — copy (<c>ToArray()</c>) to keep them.
    /// </summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnData(Action<ReadOnlySequence<byte>> handler) => On("data", handler);

    /// <summary>
    /// Registers an async <c>data</c> handler: reading pauses until its task completes. The buffers are
    /// valid until then — copy to keep them longer.
    /// </summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnData(Func<ReadOnlySequence<byte>, ValueTask> handler) => On("data", handler);

    /// <summary>Registers a <c>data</c> handler for text (after <see cref="SetEncoding"/>).</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnText(Action<string> handler) => On("data", handler);

    /// <summary>Registers a <c>connect</c> handler.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnConnect(Action handler) => On("connect", handler);

    /// <summary>Registers a <c>ready</c> handler (raised right after <c>connect</c>).</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnReady(Action handler) => On("ready", handler);

    /// <summary>Registers a <c>lookup</c> handler (after the host name resolved, before connecting).</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnLookup(Action<LookupResult> handler) => On("lookup", handler);

    /// <summary>Registers a <c>drain</c> handler (the write buffer emptied after <c>Write</c> returned <c>false</c>).</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnDrain(Action handler) => On("drain", handler);

    /// <summary>Registers an <c>end</c> handler (the peer sent FIN).</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnEnd(Action handler) => On("end", handler);

    /// <summary>Registers a <c>timeout</c> handler.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnTimeout(Action handler) => On("timeout", handler);

    /// <summary>Registers a <c>close</c> handler; its argument says whether an error caused the close.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnClose(Action<bool> handler) => On("close", handler);

    /// <summary>Registers an <c>error</c> handler. With none, errors are thrown.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnError(Action<Exception> handler) => On("error", handler);
}
