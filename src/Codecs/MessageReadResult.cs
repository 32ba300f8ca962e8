namespace PipeNet.Codecs;

/// <summary>What <see cref="MessageReader{TMessage}.ReadAsync"/> returns: one message, or why there is none.</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public readonly struct MessageReadResult<TMessage>
{
    /// <summary>Creates a result.</summary>
    /// <param name="message">The message; <c>default</c> when <paramref name="isCompleted"/> or <paramref name="isCanceled"/>.</param>
    /// <param name="isCompleted">The peer ended the stream at a message boundary: no more messages.</param>
    /// <param name="isCanceled">The read was cancelled by <c>PipeReader.CancelPendingRead</c>.</param>
    public MessageReadResult(TMessage message, bool isCompleted, bool isCanceled)
    {
        Message = message;
        IsCompleted = isCompleted;
        IsCanceled = isCanceled;
    }

    /// <summary>
    /// The message, when neither <see cref="IsCompleted"/> nor <see cref="IsCanceled"/>. A byte-level message is a
    /// slice of the connection's buffers: valid until the next <c>ReadAsync</c>; copy it to keep it.
    /// </summary>
    public TMessage Message { get; }

    /// <summary>The stream ended cleanly after the last message; <see cref="Message"/> holds nothing.</summary>
    public bool IsCompleted { get; }

    /// <summary>The pending read was cancelled (<c>PipeReader.CancelPendingRead</c>); <see cref="Message"/> holds nothing.</summary>
    public bool IsCanceled { get; }

    /// <summary>Whether <see cref="Message"/> holds a message.</summary>
    public bool HasMessage => !IsCompleted && !IsCanceled;
}
