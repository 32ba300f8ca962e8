using System.Net;

namespace PipeNet.Transport.Raw.Internal;

/// <summary>An echo request waiting for its reply: where it went, when, and the task its reply completes.</summary>
internal sealed class PendingEcho(IPAddress address, ushort sequenceNumber, int messageLength)
{
    private readonly TaskCompletionSource<PingReply> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sentTimestamp;

    public IPAddress Address { get; } = address;

    public ushort SequenceNumber { get; } = sequenceNumber;

    /// <summary>The ICMP length of the request, which the reply must match.</summary>
    public int MessageLength { get; } = messageLength;

    /// <summary>The <see cref="TimeProvider"/> timestamp taken right before the request went out.</summary>
    public long SentTimestamp
    {
        get => Volatile.Read(ref _sentTimestamp);
        set => Volatile.Write(ref _sentTimestamp, value);
    }

    public Task<PingReply> Reply => _reply.Task;

    public bool TrySetReply(PingReply reply) => _reply.TrySetResult(reply);

    public void Abandon(Exception error) => _reply.TrySetException(error);
}
