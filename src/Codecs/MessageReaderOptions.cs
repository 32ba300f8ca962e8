namespace PipeNet.Codecs;

/// <summary>Options of a <see cref="MessageReader{TMessage}"/> (and of a facade socket's codec).</summary>
public sealed class MessageReaderOptions
{
    /// <summary>The default <see cref="MaxMessageSize"/>: 1 MiB.</summary>
    public const long DefaultMaxMessageSize = 1024 * 1024;

    private long _maxMessageSize = DefaultMaxMessageSize;

    /// <summary>
    /// The most bytes one message's frame may take on the wire, framing included (length field, delimiter).
    /// The reader never buffers more than this for a message it cannot parse yet: once that many bytes are
    /// waiting without forming a message, reading fails with <c>EMSGSIZE</c>. So it bounds the memory a
    /// peer can make a connection hold, whatever the codec.
    /// </summary>
    /// <remarks>Defaults to 1 MiB (<see cref="DefaultMaxMessageSize"/>).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public long MaxMessageSize
    {
        get => _maxMessageSize;
        set => _maxMessageSize = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), value, "MaxMessageSize must be positive.");
    }
}
