using System.Buffers;
using System.Text;

namespace PipeNet.Codecs.Tests;

public sealed class DelimiterCodecTests
{
    [Fact]
    public void SplitsLinesArrivingInPieces()
    {
        DecodeOutcome<string> outcome = StreamDecoder.Feed(new DelimiterCodec("\n"u8), Chunks("he", "llo\nwor", "ld\n\nx"), 100, Text);
        Assert.Null(outcome.Error);
        Assert.Equal(["hello", "world", ""], outcome.Messages);
        Assert.Equal(1, outcome.LeftOver); // "x" waits for its delimiter.
    }

    [Fact]
    public void LinesAcceptsBothLineEndingsAndWritesLf()
    {
        DecodeOutcome<string> outcome = StreamDecoder.Feed(DelimiterCodec.Lines, Chunks("a\r\nb\n", "c\r", "\n"), 100, Text);
        Assert.Equal(["a", "b", "c"], outcome.Messages);
        Assert.Equal("hi\n"u8.ToArray(), Sequences.Encode(DelimiterCodec.Lines, [new ReadOnlySequence<byte>("hi"u8.ToArray())]));
    }

    [Fact]
    public void CrLfKeepsALoneLineFeedInsideTheMessage()
    {
        DecodeOutcome<string> outcome = StreamDecoder.Feed(DelimiterCodec.CrLf, Chunks("a\nb\r", "\nc\r\n"), 100, Text);
        Assert.Equal(["a\nb", "c"], outcome.Messages);
    }

    [Fact]
    public void AMultiByteDelimiterSplitAcrossReceiveBuffersIsFound()
    {
        var codec = new DelimiterCodec("<END>"u8);
        DecodeOutcome<string> outcome = StreamDecoder.Feed(codec, Chunks("one<E", "N", "D>two<", "END><EN"), 100, Text);
        Assert.Equal(["one", "two"], outcome.Messages);
        Assert.Equal(3, outcome.LeftOver);
    }

    [Fact]
    public void ADelimiterThatNeverArrivesFailsAtTheLimitWithBoundedMemory()
    {
        var chunks = Enumerable.Range(0, 100).Select(_ => "xxxxxxxxxx"u8.ToArray());
        DecodeOutcome<string> outcome = StreamDecoder.Feed(DelimiterCodec.Lines, chunks, 256, Text);
        Assert.Equal(NetErrorCode.MessageTooLong, outcome.Error?.Code);
        Assert.InRange(outcome.MaxBuffered, 256, 266);
    }

    [Fact]
    public void ALineOfExactlyTheLimitIsAccepted()
    {
        byte[] line = [.. Enumerable.Repeat((byte)'a', 255), (byte)'\n'];
        DecodeOutcome<int> outcome = StreamDecoder.Feed(DelimiterCodec.Lines, [line, line], 256, m => (int)m.Length);
        Assert.Null(outcome.Error);
        Assert.Equal([255, 255], outcome.Messages);
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(10_000)]
    public void WritesSmallAndLargeMultiSegmentMessagesAlike(int size)
    {
        byte[] payload = [.. Enumerable.Repeat((byte)'z', size)];
        var codec = new DelimiterCodec("\r\n"u8);
        byte[] wire = Sequences.Encode(codec, [Sequences.Of(payload[..1000], payload[1000..])]);
        Assert.Equal([.. payload, (byte)'\r', (byte)'\n'], wire);
    }

    [Fact]
    public void WritingAMessageThatContainsTheDelimiterIsRefused()
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentException>(() => DelimiterCodec.Lines.WriteMessage(new ReadOnlySequence<byte>("a\nb"u8.ToArray()), output));
        Assert.Throws<ArgumentException>(() => DelimiterCodec.CrLf.WriteMessage(Sequences.Of("a\r"u8.ToArray(), "\nb"u8.ToArray()), output));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void AnEmptyDelimiterIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new DelimiterCodec(ReadOnlySpan<byte>.Empty));
    }

    private static IEnumerable<byte[]> Chunks(params string[] parts) => parts.Select(Encoding.UTF8.GetBytes);

    private static string Text(ReadOnlySequence<byte> message) => Encoding.UTF8.GetString(message);
}
