using System.Net;

namespace PipeNet.Transport.Raw;

/// <summary>The outcome of one echo request: a reply and its round-trip time, a timeout, or a send failure.</summary>
public sealed class PingReply
{
    internal PingReply(PingStatus status, IPAddress address, ushort sequenceNumber, TimeSpan roundTripTime, int? timeToLive, int bytes, Exception? error)
    {
        Status = status;
        Address = address;
        SequenceNumber = sequenceNumber;
        RoundTripTime = roundTripTime;
        TimeToLive = timeToLive;
        Bytes = bytes;
        Error = error;
    }

    /// <summary>How the request ended.</summary>
    public PingStatus Status { get; }

    /// <summary>The address pinged, which is also where the reply came from.</summary>
    public IPAddress Address { get; }

    /// <summary>The sequence number of the request (iputils' <c>icmp_seq</c>).</summary>
    public ushort SequenceNumber { get; }

    /// <summary>
    /// From just before the request was sent to the moment its reply was handed to the pinger; zero unless
    /// <see cref="Status"/> is <see cref="PingStatus.Success"/>. It is measured in user space, so it includes the
    /// wake-up of the thread that receives the reply (a few hundred microseconds on an idle machine, more under
    /// load); iputils reads the kernel's receive timestamp instead and reports less on loopback.
    /// </summary>
    public TimeSpan RoundTripTime { get; }

    /// <summary>The reply's IPv4 time to live; <c>null</c> for IPv6, whose raw sockets receive no IP header, and without a reply.</summary>
    public int? TimeToLive { get; }

    /// <summary>The length of the ICMP reply, header included (iputils' "64 bytes from"); 0 without a reply.</summary>
    public int Bytes { get; }

    /// <summary>Why the request could not be sent, when <see cref="Status"/> is <see cref="PingStatus.Failed"/>.</summary>
    public Exception? Error { get; }
}
