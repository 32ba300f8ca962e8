using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PipeNet.Codecs;

/// <summary>Factories for <see cref="JsonCodec{T}"/>: JSON lines and length-prefixed JSON (cio's <c>jsonify</c>).</summary>
public static class JsonCodec
{
    /// <summary>JSON lines: one compact JSON value per <c>\n</c>-terminated line (a <c>\r</c> before it is JSON whitespace).</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="typeInfo">How <typeparamref name="T"/> (de)serializes, for example <c>MyContext.Default.Chat</c>.</param>
    /// <returns>The codec.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="typeInfo"/> is <c>null</c>.</exception>
    public static JsonCodec<T> Lines<T>(JsonTypeInfo<T> typeInfo) => new(new DelimiterCodec("\n"u8), typeInfo);

    /// <summary>JSON lines, (de)serialized by reflection with <paramref name="options"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="options">Serializer options; <see cref="JsonSerializerOptions.Default"/> when <c>null</c>.</param>
    /// <returns>The codec.</returns>
    [RequiresUnreferencedCode("Reflection-based JSON; pass a JsonTypeInfo<T> from a JsonSerializerContext to trim safely.")]
    [RequiresDynamicCode("Reflection-based JSON; pass a JsonTypeInfo<T> from a JsonSerializerContext for native AOT.")]
    public static JsonCodec<T> Lines<T>(JsonSerializerOptions? options = null) => Lines(TypeInfo<T>(options));

    /// <summary>Length-prefixed JSON: each compact JSON value behind a length field.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="typeInfo">How <typeparamref name="T"/> (de)serializes.</param>
    /// <param name="framing">The length field's shape; 4-byte big-endian when <c>null</c>.</param>
    /// <returns>The codec.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="typeInfo"/> is <c>null</c>.</exception>
    public static JsonCodec<T> LengthPrefixed<T>(JsonTypeInfo<T> typeInfo, LengthPrefixedCodecOptions? framing = null) =>
        new(new LengthPrefixedCodec(framing), typeInfo);

    /// <summary>Length-prefixed JSON, (de)serialized by reflection with <paramref name="options"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="options">Serializer options; <see cref="JsonSerializerOptions.Default"/> when <c>null</c>.</param>
    /// <param name="framing">The length field's shape; 4-byte big-endian when <c>null</c>.</param>
    /// <returns>The codec.</returns>
    [RequiresUnreferencedCode("Reflection-based JSON; pass a JsonTypeInfo<T> from a JsonSerializerContext to trim safely.")]
    [RequiresDynamicCode("Reflection-based JSON; pass a JsonTypeInfo<T> from a JsonSerializerContext for native AOT.")]
    public static JsonCodec<T> LengthPrefixed<T>(JsonSerializerOptions? options = null, LengthPrefixedCodecOptions? framing = null) =>
        LengthPrefixed(TypeInfo<T>(options), framing);

    /// <summary>JSON inside any byte-level framing.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="framing">The framing.</param>
    /// <param name="typeInfo">How <typeparamref name="T"/> (de)serializes.</param>
    /// <returns>The codec.</returns>
    /// <exception cref="ArgumentNullException">A <c>null</c> argument.</exception>
    public static JsonCodec<T> Over<T>(IMessageCodec<ReadOnlySequence<byte>> framing, JsonTypeInfo<T> typeInfo) => new(framing, typeInfo);

    [RequiresUnreferencedCode("Reflection-based JSON.")]
    [RequiresDynamicCode("Reflection-based JSON.")]
    private static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerOptions? options)
    {
        options ??= JsonSerializerOptions.Default;
        options.MakeReadOnly(populateMissingResolver: true);
        return (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
    }
}
