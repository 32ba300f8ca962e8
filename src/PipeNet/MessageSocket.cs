using System.Buffers;
using PipeNet.Codecs;
using PipeNet.Internal;

namespace PipeNet;

/// <summary>
/// A <see cref="NetSocket"/> speaking a message protocol: <c>message</c> events instead of <c>data</c>, and
/// <see cref="Send"/> instead of <c>Write</c>. Created by <see cref="NetSocket.UseCodec{TMessage}(IMessageCodec{TMessage}, MessageReaderOptions?)"/>.
/// </summary>
/// <remarks>
/// <para>
/// Messages are parsed straight from the socket's receive buffers: a byte-level codec's message is a slice of
/// them, valid only until the handler returns (or its <see cref="ValueTask"/> completes) — copy it to keep it.
/// An async handler pauses reading until it completes, as with <c>data</c>.
/// </para>
/// <para>
/// <see cref="Send"/> encodes into the socket's write buffer and follows <c>Write</c>'s backpressure: it returns
/// <c>false</c> when the caller should wait for the socket's <c>drain</c>.
/// </para>
/// <para>
/// Bad input — a message over <see cref="MaxMessageSize"/>, a length field over the codec's limit or out of
/// range, a frame that does not decode, the peer ending in the middle of a message — raises the socket's
/// <c>error</c> (<see cref="NetException"/> with code <c>EMSGSIZE</c> or <c>EPROTO</c>) and destroys that socket only.
/// Everything else (<c>error</c>, <c>end</c>, <c>close</c>, <c>drain</c>, <c>End</c>, <c>Destroy</c>) stays on <see cref="Socket"/>.
/// </para>
/// </remarks>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class MessageSocket<TMessage> : EventEmitter<MessageSocket<TMessage>>, IMessageDispatcher
{
    private static readonly Type[] s_messageShapes = [typeof(Action<TMessage>), typeof(Func<TMessage, ValueTask>), typeof(Action)];
    private static readonly EventSlot s_message = DefineEvent("message", $"Action<{typeof(TMessage).Name}>, Func<{typeof(TMessage).Name}, ValueTask> or Action", inline: true, s_messageShapes);

    private readonly NetSocket _socket;
    private readonly IMessageReader<TMessage> _reader;
    private readonly IMessageWriter<TMessage> _writer;
    private readonly long _maxMessageSize;
    private CountingBufferWriter? _sentBytes; // created by the first Send; the socket's lock guards it

    internal MessageSocket(NetSocket socket, IMessageReader<TMessage> reader, IMessageWriter<TMessage> writer, long maxMessageSize)
    {
        _socket = socket;
        _reader = reader;
        _writer = writer;
        _maxMessageSize = maxMessageSize;
    }

    /// <summary>The socket underneath: <c>error</c>, <c>end</c>, <c>close</c>, <c>drain</c>, <c>End</c>, <c>Destroy</c>.</summary>
    public NetSocket Socket => _socket;

    /// <summary>The most bytes one message's frame may take; more without a whole message is <c>EMSGSIZE</c>.</summary>
    public long MaxMessageSize => _maxMessageSize;

    /// <summary>Registers a <c>message</c> handler. A byte-level message is valid only until it returns.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This message socket.</returns>
    public MessageSocket<TMessage> OnMessage(Action<TMessage> handler) => On("message", handler);

    /// <summary>Registers an async <c>message</c> handler: reading pauses until its task completes.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This message socket.</returns>
    public MessageSocket<TMessage> OnMessage(Func<TMessage, ValueTask> handler) => On("message", handler);

    /// <summary>
    /// Encodes <paramref name="message"/> straight into the socket's write buffer. Inside an event handler, sends
    /// are flushed together when the handler returns, as <c>Write</c>s are.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="callback">Runs once the bytes reached the socket, or with the error that stopped them.</param>
    /// <returns><c>false</c> when the caller should wait for the socket's <c>drain</c> before sending more (or the socket is ended or destroyed, which also raises <c>error</c>).</returns>
    /// <exception cref="ArgumentException">The codec cannot frame <paramref name="message"/>; nothing was sent.</exception>
    public bool Send(TMessage message, Action<Exception?>? callback = null) =>
        _socket.WriteMessage(_writer, _sentBytes ??= new CountingBufferWriter(), message, callback);

    /// <summary>Sends <paramref name="message"/>, then half-closes the socket.</summary>
    /// <param name="message">The last message.</param>
    /// <returns>The socket.</returns>
    /// <exception cref="ArgumentException">The codec cannot frame <paramref name="message"/>; nothing was sent and the socket was not ended.</exception>
    public NetSocket End(TMessage message)
    {
        Send(message);
        return _socket.End();
    }

    bool IMessageDispatcher.HasHandlers => ListenerCount(s_message) > 0;

    bool IMessageDispatcher.TryDispatch(ref ReadOnlySequence<byte> buffer, out SequencePosition examined, out ValueTask handled)
    {
        if (!MessageParser.TryParse(_reader, ref buffer, _maxMessageSize, out TMessage message, out examined))
        {
            handled = default;
            return false;
        }

        handled = EmitAsync(s_message, message);
        return true;
    }

    /// <inheritdoc />
    protected override void OnHandlersChanged(string? eventName)
    {
        if (eventName is null or "message")
        {
            _socket.MessageHandlersChanged();
        }
    }
}
