using System.Buffers;
using System.Text.Json;

namespace PipeNet.Codecs.Internal;

/// <summary>A per-thread buffer and JSON writer for serializing one message before it is framed.</summary>
internal sealed class JsonScratch
{
    // Larger buffers are dropped after use, so one huge message does not pin its memory to the thread.
    private const int KeepCapacity = 64 * 1024;

    [ThreadStatic]
    private static JsonScratch? t_cached;

    private JsonScratch(JsonWriterOptions options)
    {
        Options = options;
        Buffer = new ArrayBufferWriter<byte>(256);
        Writer = new Utf8JsonWriter(Buffer, options);
    }

    public JsonWriterOptions Options { get; }

    public ArrayBufferWriter<byte> Buffer { get; }

    public Utf8JsonWriter Writer { get; }

    public static JsonScratch Rent(JsonWriterOptions options)
    {
        JsonScratch? scratch = t_cached;
        t_cached = null;
        if (scratch is null || !SameOptions(scratch.Options, options))
        {
            scratch?.Writer.Dispose();
            return new JsonScratch(options);
        }

        return scratch;
    }

    public static void Return(JsonScratch scratch)
    {
        if (scratch.Buffer.Capacity > KeepCapacity)
        {
            scratch.Writer.Dispose();
            return;
        }

        scratch.Buffer.ResetWrittenCount();
        scratch.Writer.Reset(scratch.Buffer);
        t_cached = scratch;
    }

    private static bool SameOptions(JsonWriterOptions a, JsonWriterOptions b) =>
        a.Indented == b.Indented && a.MaxDepth == b.MaxDepth && ReferenceEquals(a.Encoder, b.Encoder) && a.SkipValidation == b.SkipValidation;
}
