using System.Buffers;
using System.Text;
using CsCheck;
using Xunit.Abstractions;

namespace PipeNet.Codecs.Tests;

/// <summary>
/// Property-based fuzzing of every decoder with CsCheck: random bytes, mutated valid streams and round trips, each fed
/// in random chunks (so frames, length fields and delimiters straddle receive buffers). A decoder may parse, wait or
/// fail with EPROTO/EMSGSIZE — never throw anything else, never buffer more than the limit.
/// </summary>
public sealed class DecoderFuzzTests(ITestOutputHelper output)
{
    /// <summary>The reader's limit in these runs: small, so floods and huge declared lengths meet it.</summary>
    private const long Limit = 512;
    private const int MaxChunk = 40;
    private const long RandomInputs = 3000;
    private const long MutatedInputs = 3000;
    private const long RoundTrips = 1000;

    private static readonly Gen<int[]> s_chunks = Gen.Int[1, MaxChunk].Array[1, 40];

    public static TheoryData<string> Decoders() =>
        ["length-1-be", "length-2-le", "length-4-be", "length-8-le-adjusted", "length-4-maxlength", "delimiter-lf", "lines", "delimiter-crlf", "delimiter-multibyte", "fixed-7", "json-lines", "json-length-prefixed"];

    [Theory]
    [MemberData(nameof(Decoders))]
    public void RandomBytesOnlyEverParseWaitOrFailCleanly(string decoder)
    {
        Case c = Cases[decoder];
        Gen.Select(Gen.Byte.Array[0, 3000], s_chunks).Sample((bytes, chunks) =>
        {
            AssertClean(c.Decode(Sequences.Chunk(bytes, chunks)));
        }, iter: RandomInputs);
        output.WriteLine($"{decoder}: {RandomInputs} random inputs");
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void MutatedValidStreamsOnlyEverParseWaitOrFailCleanly(string decoder)
    {
        Case c = Cases[decoder];
        Gen<(int Kind, int Position, byte Value)[]> mutations = Gen.Select(Gen.Int[0, 3], Gen.Int[0, int.MaxValue], Gen.Byte).Array[1, 6];
        Gen.Select(c.Valid, mutations, s_chunks).Sample((valid, edits, chunks) =>
        {
            byte[] mutated = Mutate(valid.Wire, edits);
            AssertClean(c.Decode(Sequences.Chunk(mutated, chunks)));
        }, iter: MutatedInputs);
        output.WriteLine($"{decoder}: {MutatedInputs} mutated inputs");
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void ValidStreamsRoundTripWhereverTheyAreCut(string decoder)
    {
        Case c = Cases[decoder];
        Gen.Select(c.Valid, s_chunks).Sample((valid, chunks) =>
        {
            DecodeOutcome<string> outcome = c.Decode(Sequences.Chunk(valid.Wire, chunks));
            Assert.Null(outcome.Error);
            Assert.Equal(valid.Expected, outcome.Messages);
            Assert.Equal(0, outcome.LeftOver);
        }, iter: RoundTrips);
        output.WriteLine($"{decoder}: {RoundTrips} round trips");
    }

    private static void AssertClean(DecodeOutcome<string> outcome)
    {
        if (outcome.Error is { } error)
        {
            Assert.True(error.Code is NetErrorCode.ProtocolError or NetErrorCode.MessageTooLong, $"unexpected code {error.Code}: {error.Message}");
        }

        // Bounded memory: never more than the limit plus the chunk that just arrived is held for one message.
        Assert.True(outcome.MaxBuffered <= Limit + MaxChunk, $"buffered {outcome.MaxBuffered} bytes");
        Assert.True(outcome.LeftOver < Limit, $"left {outcome.LeftOver} bytes");
    }

    private static byte[] Mutate(byte[] wire, (int Kind, int Position, byte Value)[] edits)
    {
        var bytes = new List<byte>(wire);
        foreach ((int kind, int position, byte value) in edits)
        {
            int at = bytes.Count == 0 ? 0 : position % bytes.Count;
            switch (kind)
            {
                case 0 when bytes.Count > 0:
                    bytes[at] = value; // overwrite
                    break;
                case 1 when bytes.Count > 0:
                    bytes.RemoveAt(at); // delete
                    break;
                case 2:
                    bytes.Insert(at, value); // insert
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at); // truncate
                    break;
            }
        }

        return [.. bytes];
    }

    private sealed record Case(Func<IEnumerable<byte[]>, DecodeOutcome<string>> Decode, Gen<(byte[] Wire, string[] Expected)> Valid);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["length-1-be"] = Bytes(new LengthPrefixedCodec(o => o.LengthFieldSize = 1), Gen.Byte.Array[0, 255]),
        ["length-2-le"] = Bytes(new LengthPrefixedCodec(o => { o.LengthFieldSize = 2; o.LittleEndian = true; }), Gen.Byte.Array[0, 300]),
        ["length-4-be"] = Bytes(new LengthPrefixedCodec(), Gen.Byte.Array[0, 300]),
        ["length-8-le-adjusted"] = Bytes(new LengthPrefixedCodec(o => { o.LengthFieldSize = 8; o.LittleEndian = true; o.LengthAdjustment = -8; }), Gen.Byte.Array[0, 300]),
        ["length-4-maxlength"] = Bytes(new LengthPrefixedCodec(o => o.MaxLength = 64), Gen.Byte.Array[0, 64]),
        ["delimiter-lf"] = Bytes(new DelimiterCodec("\n"u8), Without(Gen.Byte.Array[0, 200], (byte)'\n')),
        ["lines"] = Bytes(DelimiterCodec.Lines, Without(Gen.Byte.Array[0, 200], (byte)'\n', (byte)'\r')),
        ["delimiter-crlf"] = Bytes(DelimiterCodec.CrLf, Without(Gen.Byte.Array[0, 200], (byte)'\r')),
        ["delimiter-multibyte"] = Bytes(new DelimiterCodec("<|>"u8), Without(Gen.Byte.Array[0, 200], (byte)'<')),
        ["fixed-7"] = Bytes(new FixedLengthCodec(7), Gen.Byte.Array[7]),
        ["json-lines"] = Json(JsonCodec.Lines(TestJsonContext.Default.ChatMessage)),
        ["json-length-prefixed"] = Json(JsonCodec.LengthPrefixed(TestJsonContext.Default.ChatMessage, new LengthPrefixedCodecOptions { LengthFieldSize = 2 })),
    };

    private static Gen<byte[]> Without(Gen<byte[]> bytes, params byte[] excluded) =>
        bytes.Select(b => b.Where(x => Array.IndexOf(excluded, x) < 0).ToArray());

    private static Case Bytes(IMessageCodec<ReadOnlySequence<byte>> codec, Gen<byte[]> message) => new(
        chunks => StreamDecoder.Feed(codec, chunks, Limit, m => Convert.ToHexString(m.ToArray())),
        message.Array[0, 8].Select(messages => (
            Sequences.Encode(codec, messages.Select(m => new ReadOnlySequence<byte>(m))),
            messages.Select(Convert.ToHexString).ToArray())));

    private static Case Json(JsonCodec<ChatMessage> codec) => new(
        chunks => StreamDecoder.Feed(codec, chunks, Limit, m => m.ToString()),
        Gen.Select(Gen.String[0, 40], Gen.String[0, 80], Gen.Int).Select((user, text, seq) => new ChatMessage(user, text, seq)).Array[0, 4]
            .Select(messages => (Sequences.Encode(codec, messages), messages.Select(m => m.ToString()).ToArray())));
}
