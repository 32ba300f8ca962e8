using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using PipeNet.Codecs.Internal;

namespace PipeNet.Codecs;

/// <summary>
/// JSON messages through <c>System.Text.Json</c>, framed by a byte-level codec: JSON lines over a
/// <see cref="DelimiterCodec"/>, length-prefixed JSON over a <see cref="LengthPrefixedCodec"/>. Create one with
/// <see cref="JsonCodec.Lines{T}(JsonTypeInfo{T})"/> or <see cref="JsonCodec.LengthPrefixed{T}(JsonTypeInfo{T}, LengthPrefixedCodecOptions?)"/>.
/// </summary>
/// <remarks>
/// A frame that is not exactly one JSON value of <typeparamref name="T"/> (invalid JSON, trailing bytes, an empty
/// frame, a <c>null</c> literal, nesting deeper than <see cref="JsonSerializerOptions.MaxDepth"/>) fails with
/// <c>EPROTO</c>. Messages are written compact (never indented), so no JSON text contains a line break.
/// </remarks>
/// <typeparam name="T">The message type.</typeparam>
public sealed class JsonCodec<T> : IMessageCodec<T>
{
    private readonly IMessageCodec<ReadOnlySequence<byte>> _framing;
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly JsonReaderOptions _readerOptions;
    private readonly JsonWriterOptions _writerOptions;

    /// <summary>Creates a codec carrying JSON inside <paramref name="framing"/>'s frames.</summary>
    /// <param name="framing">The byte-level framing.</param>
    /// <param name="typeInfo">How <typeparamref name="T"/> (de)serializes, for example from a source-generated <c>JsonSerializerContext</c>.</param>
    /// <exception cref="ArgumentNullException">A <c>null</c> argument.</exception>
    public JsonCodec(IMessageCodec<ReadOnlySequence<byte>> framing, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(framing);
        ArgumentNullException.ThrowIfNull(typeInfo);
        _framing = framing;
        _typeInfo = typeInfo;
        JsonSerializerOptions options = typeInfo.Options;
        _readerOptions = new JsonReaderOptions
        {
            AllowTrailingCommas = options.AllowTrailingCommas,
            CommentHandling = options.ReadCommentHandling,
            MaxDepth = options.MaxDepth,
        };
        _writerOptions = new JsonWriterOptions
        {
            Encoder = options.Encoder,
            Indented = false,
            MaxDepth = options.MaxDepth,
        };
    }

    /// <summary>The byte-level framing around each JSON text.</summary>
    public IMessageCodec<ReadOnlySequence<byte>> Framing => _framing;

    /// <inheritdoc />
    /// <exception cref="NetException"><c>EPROTO</c> for a frame that is not one JSON value of <typeparamref name="T"/>; whatever the framing throws.</exception>
    public bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out T message)
    {
        if (!_framing.TryParseMessage(input, ref consumed, ref examined, out ReadOnlySequence<byte> payload))
        {
            message = default!;
            return false;
        }

        var reader = new Utf8JsonReader(payload, _readerOptions);
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(ref reader, _typeInfo);

            // One value per frame: anything after it but whitespace makes the reader throw here.
            if (reader.Read())
            {
                throw CodecErrors.Protocol($"a frame holds more than one JSON value (bytes after offset {reader.TokenStartIndex}).");
            }
        }
        catch (JsonException ex)
        {
            throw CodecErrors.Protocol($"a frame is not valid JSON for {typeof(T).Name}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            // Converters report some malformed values (invalid UTF-8 in a string, an unparsable date) this way.
            throw CodecErrors.Protocol($"a frame is not valid JSON for {typeof(T).Name}: {ex.Message}", ex);
        }

        message = value ?? throw CodecErrors.Protocol("a frame holds the JSON literal null, which is not a message.");
        return true;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="message"/> or <paramref name="output"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException">The framing cannot carry the serialized text.</exception>
    public void WriteMessage(T message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);

        // The framing may need the length before the text (a length prefix), so serialize into a per-thread
        // scratch buffer first and frame that; serializing allocates the text's objects anyway.
        JsonScratch scratch = JsonScratch.Rent(_writerOptions);
        try
        {
            JsonSerializer.Serialize(scratch.Writer, message, _typeInfo);
            scratch.Writer.Flush();
            _framing.WriteMessage(new ReadOnlySequence<byte>(scratch.Buffer.WrittenMemory), output);
        }
        finally
        {
            JsonScratch.Return(scratch);
        }
    }
}
