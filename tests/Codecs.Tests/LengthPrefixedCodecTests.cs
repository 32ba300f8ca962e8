using System.Buffers;

namespace PipeNet.Codecs.Tests;

public sealed class LengthPrefixedCodecTests
{
    public static TheoryData<int, bool> Shapes()
    {
        var data = new TheoryData<int, bool>();
        foreach (int size in new[] { 1, 2, 4, 8 })
        {
            data.Add(size, false);
            data.Add(size, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RoundTripsEveryFieldSizeAndByteOrder(int fieldSize, bool littleEndian)
    {
        var codec = new LengthPrefixedCodec(o => { o.LengthFieldSize = fieldSize; o.LittleEndian = littleEndian; });
        byte[][] messages = [[], [1], [.. Enumerable.Range(0, 200).Select(i => (byte)i)]];
        byte[] wire = Sequences.Encode(codec, messages.Select(m => new ReadOnlySequence<byte>(m)));

        Assert.Equal(messages.Sum(m => m.Length + fieldSize), wire.Length);
        DecodeOutcome<byte[]> outcome = StreamDecoder.Feed(codec, Sequences.Chunk(wire, [1, 1, 2, 3, 5, 8]), 1024, m => m.ToArray());
        Assert.Null(outcome.Error);
        Assert.Equal(messages, outcome.Messages);
        Assert.Equal(0, outcome.LeftOver);
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(10_000)]
    public void WritesSmallAndLargeMultiSegmentMessagesAlike(int size)
    {
        byte[] payload = [.. Enumerable.Range(0, size).Select(i => (byte)(i * 7))];
        var codec = new LengthPrefixedCodec();
        byte[] wire = Sequences.Encode(codec, [Sequences.Of(payload[..1000], payload[1000..])]);
        Assert.Equal(size + 4, wire.Length);
        DecodeOutcome<byte[]> outcome = StreamDecoder.Feed(codec, Sequences.Chunk(wire, [999]), 64 * 1024, m => m.ToArray());
        Assert.Equal(payload, Assert.Single(outcome.Messages));
    }

    [Fact]
    public void WritesTheFieldInTheChosenByteOrder()
    {
        byte[] payload = new byte[0x0102];
        byte[] big = Sequences.Encode(new LengthPrefixedCodec(o => o.LengthFieldSize = 2), [new ReadOnlySequence<byte>(payload)]);
        byte[] little = Sequences.Encode(new LengthPrefixedCodec(o => { o.LengthFieldSize = 2; o.LittleEndian = true; }), [new ReadOnlySequence<byte>(payload)]);
        Assert.Equal(new byte[] { 0x01, 0x02 }, big[..2]);
        Assert.Equal(new byte[] { 0x02, 0x01 }, little[..2]);
    }

    [Fact]
    public void ALengthThatCountsItsOwnFieldUsesANegativeAdjustment()
    {
        // A field of 7 that includes its own 4 bytes: 3 bytes of payload.
        var codec = new LengthPrefixedCodec(o => o.LengthAdjustment = -4);
        ReadOnlySequence<byte> input = Sequences.Of([0, 0, 0, 7, (byte)'a', (byte)'b'], [(byte)'c', 99]);
        SequencePosition consumed = input.Start, examined = input.End;
        Assert.True(codec.TryParseMessage(input, ref consumed, ref examined, out ReadOnlySequence<byte> message));
        Assert.Equal("abc"u8.ToArray(), message.ToArray());
        Assert.Equal(7, input.Slice(input.Start, consumed).Length);

        Assert.Equal(new byte[] { 0, 0, 0, 7, 1, 2, 3 }, Sequences.Encode(codec, [new ReadOnlySequence<byte>([1, 2, 3])]));
    }

    [Fact]
    public void AFieldStraddlingTwoReceiveBuffersIsRead()
    {
        var codec = new LengthPrefixedCodec(o => o.LengthFieldSize = 8);
        ReadOnlySequence<byte> input = Sequences.Of([0, 0, 0], [0, 0], [0, 0, 2, 9], [8]);
        SequencePosition consumed = input.Start, examined = input.End;
        Assert.True(codec.TryParseMessage(input, ref consumed, ref examined, out ReadOnlySequence<byte> message));
        Assert.Equal(new byte[] { 9, 8 }, message.ToArray());
        Assert.False(message.IsSingleSegment); // A slice of the receive buffers, not a copy.
    }

    [Fact]
    public void AnEightByteFieldBeyondSixtyThreeBitsIsAProtocolError()
    {
        var codec = new LengthPrefixedCodec(o => o.LengthFieldSize = 8);
        var error = Assert.Throws<NetException>(() => Parse(codec, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]));
        Assert.Equal(NetErrorCode.ProtocolError, error.Code);
        Assert.Contains("overflows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAdjustmentThatMakesTheLengthNegativeIsAProtocolError()
    {
        var codec = new LengthPrefixedCodec(o => o.LengthAdjustment = -4);
        var error = Assert.Throws<NetException>(() => Parse(codec, [0, 0, 0, 3]));
        Assert.Equal(NetErrorCode.ProtocolError, error.Code);
    }

    [Fact]
    public void ADeclaredLengthOverMaxLengthFailsAsSoonAsTheFieldArrives()
    {
        var codec = new LengthPrefixedCodec(o => o.MaxLength = 1000);
        var error = Assert.Throws<NetException>(() => Parse(codec, [0, 0, 0x03, 0xE9]));
        Assert.Equal(NetErrorCode.MessageTooLong, error.Code);
        Assert.True(Parse(codec, [0, 0, 0x03, 0xE8, .. new byte[1000]]));
    }

    [Fact]
    public void WithoutMaxLengthTheReadersLimitEndsAHugeDeclaredFrame()
    {
        var codec = new LengthPrefixedCodec();
        byte[] header = [0x7F, 0xFF, 0xFF, 0xFF];
        DecodeOutcome<int> outcome = StreamDecoder.Feed(codec, [header, new byte[60], new byte[60]], 64, m => (int)m.Length);
        Assert.Equal(NetErrorCode.MessageTooLong, outcome.Error?.Code);
        Assert.True(outcome.MaxBuffered <= 124);
    }

    [Fact]
    public void AMessageTooLongForItsFieldIsRefusedBeforeAnyByteIsWritten()
    {
        var codec = new LengthPrefixedCodec(o => o.LengthFieldSize = 1);
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentException>(() => codec.WriteMessage(new ReadOnlySequence<byte>(new byte[256]), output));
        Assert.Equal(0, output.WrittenCount);
        codec.WriteMessage(new ReadOnlySequence<byte>(new byte[255]), output);
        Assert.Equal(256, output.WrittenCount);
    }

    [Fact]
    public void OptionsRejectImpossibleShapes()
    {
        var options = new LengthPrefixedCodecOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.LengthFieldSize = 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxLength = -1);
        Assert.Throws<ArgumentNullException>(() => new LengthPrefixedCodec((Action<LengthPrefixedCodecOptions>)null!));
    }

    private static bool Parse(LengthPrefixedCodec codec, byte[] bytes)
    {
        var input = new ReadOnlySequence<byte>(bytes);
        SequencePosition consumed = input.Start, examined = input.End;
        return codec.TryParseMessage(input, ref consumed, ref examined, out _);
    }
}
