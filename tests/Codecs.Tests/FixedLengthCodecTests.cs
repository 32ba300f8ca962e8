using System.Buffers;

namespace PipeNet.Codecs.Tests;

public sealed class FixedLengthCodecTests
{
    [Fact]
    public void CutsTheStreamIntoRecordsWhateverTheReceiveBoundaries()
    {
        var codec = new FixedLengthCodec(3);
        DecodeOutcome<byte[]> outcome = StreamDecoder.Feed(codec, [[1], [2, 3, 4, 5], [6, 7]], 100, m => m.ToArray());
        Assert.Equal([[1, 2, 3], [4, 5, 6]], outcome.Messages);
        Assert.Equal(1, outcome.LeftOver);
    }

    [Fact]
    public void WritesOnlyMessagesOfTheRightSize()
    {
        var codec = new FixedLengthCodec(2);
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentException>(() => codec.WriteMessage(new ReadOnlySequence<byte>([1, 2, 3]), output));
        codec.WriteMessage(Sequences.Of([1], [2]), output);
        Assert.Equal(new byte[] { 1, 2 }, output.WrittenSpan.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedLengthCodec(0));
    }

    [Fact]
    public void ARecordLargerThanTheReadersLimitIsTooLong()
    {
        DecodeOutcome<int> outcome = StreamDecoder.Feed(new FixedLengthCodec(100), [new byte[60], new byte[60]], 64, m => (int)m.Length);
        Assert.Equal(NetErrorCode.MessageTooLong, outcome.Error?.Code);
    }
}
