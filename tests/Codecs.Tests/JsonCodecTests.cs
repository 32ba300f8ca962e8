using System.Buffers;
using System.Text;
using System.Text.Json;

namespace PipeNet.Codecs.Tests;

public sealed class JsonCodecTests
{
    private static readonly JsonCodec<ChatMessage> s_lines = JsonCodec.Lines(TestJsonContext.Default.ChatMessage);
    private static readonly JsonCodec<ChatMessage> s_prefixed = JsonCodec.LengthPrefixed(TestJsonContext.Default.ChatMessage);

    [Fact]
    public void JsonLinesRoundTripsOneCompactValuePerLine()
    {
        ChatMessage[] messages = [new("ann", "hi\nthere", 1), new("bob", "ünïcödé \"quoted\"", 2)];
        byte[] wire = Sequences.Encode(s_lines, messages);

        string text = Encoding.UTF8.GetString(wire);
        Assert.Equal(2, text.Count(c => c == '\n')); // The newline inside a message is escaped.
        DecodeOutcome<ChatMessage> outcome = StreamDecoder.Feed(s_lines, Sequences.Chunk(wire, [3, 7, 1, 1, 20]), 1024, m => m);
        Assert.Null(outcome.Error);
        Assert.Equal(messages, outcome.Messages);
    }

    [Fact]
    public void LengthPrefixedJsonRoundTrips()
    {
        ChatMessage[] messages = [new("ann", "x", 1), new("bob", new string('y', 300), 2)];
        byte[] wire = Sequences.Encode(s_prefixed, messages);
        DecodeOutcome<ChatMessage> outcome = StreamDecoder.Feed(s_prefixed, Sequences.Chunk(wire, [2, 2, 50]), 1024, m => m);
        Assert.Equal(messages, outcome.Messages);
    }

    [Fact]
    public void WritesCompactJsonEvenWhenTheOptionsSayIndented()
    {
        var options = new JsonSerializerOptions(TestJsonContext.Default.Options) { WriteIndented = true };
        var codec = JsonCodec.Lines(new TestJsonContext(options).ChatMessage);
        byte[] wire = Sequences.Encode(codec, [new ChatMessage("a", "b", 1)]);
        Assert.Equal("{\"User\":\"a\",\"Text\":\"b\",\"Seq\":1}\n", Encoding.UTF8.GetString(wire));
    }

    [Theory]
    [InlineData("{\"User\":\"a\"\n", "not valid JSON")]
    [InlineData("{\"User\":\"a\",\"Text\":\"b\",\"Seq\":1} {}\n", "")]
    [InlineData("null\n", "null")]
    [InlineData("\n", "")]
    [InlineData("{\"User\":\"a\",\"Text\":\"b\",\"Seq\":\"one\"}\n", "")]
    [InlineData("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n", "")]
    public void AFrameThatIsNotExactlyOneValueIsAProtocolError(string wire, string hint)
    {
        DecodeOutcome<ChatMessage> outcome = StreamDecoder.Feed(s_lines, [Encoding.UTF8.GetBytes(wire)], 4096, m => m);
        Assert.Empty(outcome.Messages);
        Assert.Equal(NetErrorCode.ProtocolError, outcome.Error?.Code);
        Assert.Contains(hint, outcome.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestingDeeperThanMaxDepthIsAProtocolError()
    {
        JsonCodec<JsonElement> codec = JsonCodec.Lines(TestJsonContext.Default.JsonElement);
        byte[] shallow = Encoding.UTF8.GetBytes(new string('[', 10) + new string(']', 10) + "\n");
        byte[] deep = Encoding.UTF8.GetBytes(new string('[', 100) + new string(']', 100) + "\n");
        Assert.Single(StreamDecoder.Feed(codec, [shallow], 4096, m => m.ValueKind).Messages);
        Assert.Equal(NetErrorCode.ProtocolError, StreamDecoder.Feed(codec, [deep], 4096, m => m.ValueKind).Error?.Code);
    }

    [Fact]
    public void InvalidUtf8InsideAStringIsAProtocolError()
    {
        byte[] wire = [.. "{\"User\":\""u8, 0xC3, 0x28, .. "\",\"Text\":\"b\",\"Seq\":1}\n"u8];
        DecodeOutcome<ChatMessage> outcome = StreamDecoder.Feed(s_lines, [wire], 4096, m => m);
        Assert.Equal(NetErrorCode.ProtocolError, outcome.Error?.Code);
    }

    [Fact]
    public void ReflectionOverloadsWorkWithDefaultOptions()
    {
#pragma warning disable IL2026, IL3050 // The test runs with reflection available.
        var codec = JsonCodec.Lines<Dictionary<string, int>>();
#pragma warning restore IL2026, IL3050
        byte[] wire = Sequences.Encode(codec, [new Dictionary<string, int> { ["a"] = 1 }]);
        DecodeOutcome<int> outcome = StreamDecoder.Feed(codec, [wire], 100, m => m["a"]);
        Assert.Equal([1], outcome.Messages);
    }

    [Fact]
    public void ANullMessageIsRefusedWhenWriting()
    {
        Assert.Throws<ArgumentNullException>(() => s_lines.WriteMessage(null!, new ArrayBufferWriter<byte>()));
    }
}
