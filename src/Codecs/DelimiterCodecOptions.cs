namespace PipeNet.Codecs;

/// <summary>How a <see cref="DelimiterCodec"/> splits the stream.</summary>
public sealed class DelimiterCodecOptions
{
    private ReadOnlyMemory<byte> _delimiter = "\n"u8.ToArray();

    /// <summary>The byte sequence that ends every message: <c>\n</c>, <c>\r\n</c>, a NUL byte, any sequence.</summary>
    /// <remarks>Defaults to <c>\n</c>.</remarks>
    /// <exception cref="ArgumentException">Empty.</exception>
    public ReadOnlyMemory<byte> Delimiter
    {
        get => _delimiter;
        set => _delimiter = !value.IsEmpty ? value.ToArray() : throw new ArgumentException("The delimiter must not be empty.", nameof(Delimiter));
    }

    /// <summary>
    /// Strip one <c>\r</c> before the delimiter from decoded messages, so a <c>\n</c> codec reads lines ending in
    /// either <c>\n</c> or <c>\r\n</c> (what telnet and netcat send). Written messages end in the delimiter alone.
    /// </summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool TrimCarriageReturn { get; set; }
}
