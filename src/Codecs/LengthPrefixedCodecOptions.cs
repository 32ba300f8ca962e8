namespace PipeNet.Codecs;

/// <summary>How a <see cref="LengthPrefixedCodec"/> reads and writes its length field.</summary>
public sealed class LengthPrefixedCodecOptions
{
    private int _lengthFieldSize = 4;
    private long? _maxLength;

    /// <summary>The length field's size in bytes: 1, 2, 4 or 8. Its value is unsigned.</summary>
    /// <remarks>Defaults to 4.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Not 1, 2, 4 or 8.</exception>
    public int LengthFieldSize
    {
        get => _lengthFieldSize;
        set => _lengthFieldSize = value is 1 or 2 or 4 or 8 ? value : throw new ArgumentOutOfRangeException(nameof(LengthFieldSize), value, "LengthFieldSize must be 1, 2, 4 or 8.");
    }

    /// <summary>Whether the length field is little-endian; <c>false</c> is network order (big-endian).</summary>
    /// <remarks>Defaults to <c>false</c> (big-endian).</remarks>
    public bool LittleEndian { get; set; }

    /// <summary>
    /// Added to the length field's value to get the payload's length (Netty's <c>lengthAdjustment</c>). A protocol
    /// whose length counts the length field itself uses <c>-LengthFieldSize</c>; one whose length counts a
    /// trailing checksum the payload keeps uses its size. Writing subtracts it again.
    /// </summary>
    /// <remarks>Defaults to 0: the field holds the payload's length.</remarks>
    public long LengthAdjustment { get; set; }

    /// <summary>
    /// The longest payload accepted, checked as soon as the length field arrives: a longer declared length
    /// fails with <c>EMSGSIZE</c> before any of the payload is buffered. <c>null</c> leaves only the reader's
    /// <see cref="MessageReaderOptions.MaxMessageSize"/>, which fails once that many bytes are buffered.
    /// </summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public long? MaxLength
    {
        get => _maxLength;
        set => _maxLength = value is null or >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxLength), value, "MaxLength must not be negative.");
    }
}
