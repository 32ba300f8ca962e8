namespace PipeNet.Codecs.Internal;

/// <summary>The errors decoders raise for bad input, worded once.</summary>
internal static class CodecErrors
{
    public static NetException MessageTooLong(long maxMessageSize) => new(
        NetErrorCode.MessageTooLong,
        $"{NetErrorCode.MessageTooLong}: {maxMessageSize} bytes were received without completing a message; the limit (MaxMessageSize) is {maxMessageSize} bytes.");

    public static NetException DeclaredTooLong(ulong declared, long maxLength) => new(
        NetErrorCode.MessageTooLong,
        $"{NetErrorCode.MessageTooLong}: the length field declares a {declared}-byte message; the limit (MaxLength) is {maxLength} bytes.");

    public static NetException Protocol(string what, Exception? inner = null) => new(
        NetErrorCode.ProtocolError,
        $"{NetErrorCode.ProtocolError}: {what}",
        inner);

    public static NetException Truncated(long bytes) => Protocol(
        $"the peer ended the stream inside a message ({bytes} bytes of an unfinished frame).");
}
