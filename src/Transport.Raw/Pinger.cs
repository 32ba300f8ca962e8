using System.Buffers;
using System.Net;
using System.Net.Sockets;
using PipeNet.Transport.Raw.Internal;

namespace PipeNet.Transport.Raw;

/// <summary>
/// ICMP echo (ping) over IPv4 and IPv6 on <see cref="RawSocket"/>s, as the seed's net-ping use case: one
/// request at a time with <see cref="PingAsync"/>, or iputils-style runs with <see cref="RunAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// Replies are matched by identifier (one per pinger), sequence number, source address and length. Every raw
/// ICMP socket on the machine sees every ICMP message, so this filtering is what keeps other pingers' replies
/// out — and, on loopback, the pinger's own requests, which come back to its socket before the kernel's reply.
/// </para>
/// <para>
/// Like net-ping, a pinger pauses its sockets' receiving when no request is outstanding (no pending receive,
/// no buffer) and resumes it for the next request. Each family's socket is created at its first request;
/// creating one needs root or <c>CAP_NET_RAW</c>, else <see cref="NetException"/> <c>EPERM</c>.
/// </para>
/// <para>
/// Round-trip times and timeouts come from the <see cref="TimeProvider"/> given, so tests can drive them with
/// a fake clock.
/// </para>
/// </remarks>
public sealed class Pinger : IDisposable
{
    // Large enough for any reply: an IPv4 datagram, header included, or an IPv6 payload is at most 65,535 bytes.
    private const int ReceiveBufferSize = RawSocketOptions.MaxBufferSize;

    private static int s_nextIdentifier = Random.Shared.Next(ushort.MaxValue + 1);

    private readonly TimeProvider _timeProvider;
    private readonly Func<RawSocketOptions, RawSocket> _socketFactory;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, PendingEcho> _pending = [];
    private RawSocket? _socketV4;
    private RawSocket? _socketV6;
    private int _outstandingV4;
    private int _outstandingV6;
    private int _nextSequence;
    private bool _disposed;

    // The TTL / hop limit last set on each socket (-1: the system default). Touched only in beforeSend, which a
    // socket runs for one datagram at a time.
    private int _appliedTtlV4 = -1;
    private int _appliedTtlV6 = -1;

    /// <summary>Creates a pinger on the system clock.</summary>
    public Pinger()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates a pinger whose round-trip times and timeouts come from <paramref name="timeProvider"/>.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is <c>null</c>.</exception>
    public Pinger(TimeProvider timeProvider)
        : this(timeProvider, RawSocket.Create)
    {
    }

    internal Pinger(TimeProvider timeProvider, Func<RawSocketOptions, RawSocket> socketFactory)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _socketFactory = socketFactory;
        Identifier = (ushort)Interlocked.Increment(ref s_nextIdentifier);
    }

    /// <summary>The ICMP identifier of this pinger's requests; distinct among the pingers of a process, random across processes.</summary>
    public ushort Identifier { get; }

    /// <summary>Sends one echo request to <paramref name="address"/> and waits for its reply or <see cref="PingOptions.Timeout"/>.</summary>
    /// <param name="address">An IPv4 or IPv6 address.</param>
    /// <param name="options">Payload size, TTL and timeout; <see cref="PingOptions.Count"/> and <see cref="PingOptions.Interval"/> are not used. Defaults apply when <c>null</c>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The reply, or a <see cref="PingStatus.TimedOut"/> outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException">Not an IPv4 or IPv6 address, or a payload too large for IPv4.</exception>
    /// <exception cref="NetException">The socket could not be created (<c>EPERM</c>) or the request not sent (for example <c>ENETUNREACH</c>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ObjectDisposedException">The pinger is disposed.</exception>
    public async Task<PingReply> PingAsync(IPAddress address, PingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        options ??= new PingOptions();
        bool isIPv6 = address.AddressFamily switch
        {
            AddressFamily.InterNetwork => false,
            AddressFamily.InterNetworkV6 => true,
            _ => throw new ArgumentException($"{address} is neither an IPv4 nor an IPv6 address.", nameof(address)),
        };
        if (!isIPv6 && options.PayloadSize > IcmpEcho.MaxPayloadLength)
        {
            throw new ArgumentException($"A payload of {options.PayloadSize} bytes does not fit in an IPv4 datagram (at most {IcmpEcho.MaxPayloadLength}).", nameof(options));
        }

        cancellationToken.ThrowIfCancellationRequested();
        RawSocket socket = GetSocket(isIPv6);
        int length = IcmpEcho.HeaderLength + options.PayloadSize;
        PendingEcho pending = Register(address, isIPv6, length, socket);
        try
        {
            await SendRequestAsync(socket, pending, isIPv6, options, cancellationToken).ConfigureAwait(false);
            try
            {
                return await pending.Reply.WaitAsync(options.Timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return new PingReply(PingStatus.TimedOut, address, pending.SequenceNumber, TimeSpan.Zero, null, 0, null);
            }
        }
        finally
        {
            Unregister(pending, isIPv6, socket);
        }
    }

    /// <summary>
    /// Pings <paramref name="address"/> as iputils <c>ping</c> does: <see cref="PingOptions.Count"/> requests
    /// (or until cancelled), one every <see cref="PingOptions.Interval"/> without waiting for replies, then waits
    /// for the outstanding replies up to <see cref="PingOptions.Timeout"/> each.
    /// </summary>
    /// <param name="address">An IPv4 or IPv6 address.</param>
    /// <param name="options">The run's options; defaults apply when <c>null</c>.</param>
    /// <param name="onReply">Called with each outcome (reply, timeout or send failure) as it happens, possibly from several threads one at a time.</param>
    /// <param name="cancellationToken">Ends the run early; the statistics so far are still returned.</param>
    /// <returns>The run's statistics.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException">Not an IPv4 or IPv6 address, or a payload too large for IPv4.</exception>
    /// <exception cref="NetException">The socket could not be created, for example <c>EPERM</c>.</exception>
    /// <exception cref="ObjectDisposedException">The pinger is disposed.</exception>
    public async Task<PingStatistics> RunAsync(IPAddress address, PingOptions? options = null, Action<PingReply>? onReply = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        options ??= new PingOptions();
        var statistics = new PingStatistics();
        var reportLock = new Lock();
        long start = _timeProvider.GetTimestamp();
        var inFlight = new List<Task>();

        // Create the socket up front so that a missing privilege surfaces as an exception, not as a run of failures.
        Open(address.AddressFamily == AddressFamily.InterNetworkV6);

        for (int sent = 0; options.Count is null || sent < options.Count; sent++)
        {
            if (sent > 0)
            {
                try
                {
                    await Task.Delay(options.Interval, _timeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            statistics.RecordTransmitted();
            inFlight.RemoveAll(static task => task.IsCompleted);
            inFlight.Add(PingOnceAsync(address, options, statistics, onReply, reportLock, cancellationToken));
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
        statistics.Elapsed = _timeProvider.GetElapsedTime(start);
        return statistics;
    }

    /// <summary>Closes the sockets; requests still waiting fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        List<PendingEcho> abandoned;
        RawSocket? socketV4, socketV6;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            abandoned = [.. _pending.Values];
            _pending.Clear();
            (socketV4, socketV6) = (_socketV4, _socketV6);
        }

        socketV4?.Close();
        socketV6?.Close();
        foreach (PendingEcho pending in abandoned)
        {
            pending.Abandon(new ObjectDisposedException(nameof(Pinger)));
        }
    }

    /// <summary>Creates the socket of a family now rather than at its first request.</summary>
    internal void Open(bool isIPv6) => GetSocket(isIPv6);

    private static int Key(bool isIPv6, ushort sequenceNumber) => (isIPv6 ? 0x10000 : 0) | sequenceNumber;

    private async Task PingOnceAsync(IPAddress address, PingOptions options, PingStatistics statistics, Action<PingReply>? onReply, Lock reportLock, CancellationToken cancellationToken)
    {
        PingReply reply;
        try
        {
            reply = await PingAsync(address, options, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // Interrupted: counted as sent, not received, as iputils does on Ctrl-C.
        }
        catch (NetException ex)
        {
            reply = new PingReply(PingStatus.Failed, address, 0, TimeSpan.Zero, null, 0, ex);
        }

        statistics.Record(reply);
        lock (reportLock)
        {
            onReply?.Invoke(reply);
        }
    }

    private RawSocket GetSocket(bool isIPv6)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            RawSocket? socket = isIPv6 ? _socketV6 : _socketV4;
            if (socket is not null)
            {
                return socket;
            }

            socket = _socketFactory(new RawSocketOptions
            {
                AddressFamily = isIPv6 ? RawAddressFamily.IPv6 : RawAddressFamily.IPv4,
                Protocol = isIPv6 ? RawProtocol.IcmpV6 : RawProtocol.Icmp,
                BufferSize = ReceiveBufferSize,
            });
            EchoReplyFilter.TryAttach(socket, Identifier, isIPv6);
            socket.PauseReceive(); // Until a request is outstanding.
            socket.OnMessage((datagram, source) => OnDatagram(isIPv6, datagram.Span, source));

            // Receive errors are transient here (the next datagram may be fine) and a request's fate is decided by
            // its reply or its timeout; send errors reach the sender through SendAsync.
            socket.OnError(static _ => { });
            if (isIPv6)
            {
                _socketV6 = socket;
            }
            else
            {
                _socketV4 = socket;
            }

            return socket;
        }
    }

    private PendingEcho Register(IPAddress address, bool isIPv6, int length, RawSocket socket)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ushort sequenceNumber;
            int attempts = 0;
            do
            {
                // iputils counts icmp_seq from 1; a number still waiting for its reply is skipped.
                sequenceNumber = (ushort)++_nextSequence;
                if (++attempts > ushort.MaxValue + 1)
                {
                    throw new InvalidOperationException("65,536 echo requests are already waiting for replies.");
                }
            }
            while (_pending.ContainsKey(Key(isIPv6, sequenceNumber)));

            var pending = new PendingEcho(address, sequenceNumber, length);
            _pending.Add(Key(isIPv6, sequenceNumber), pending);
            ref int outstanding = ref isIPv6 ? ref _outstandingV6 : ref _outstandingV4;
            if (outstanding++ == 0)
            {
                socket.ResumeReceive();
            }

            return pending;
        }
    }

    private void Unregister(PendingEcho pending, bool isIPv6, RawSocket socket)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _pending.Remove(Key(isIPv6, pending.SequenceNumber));
            ref int outstanding = ref isIPv6 ? ref _outstandingV6 : ref _outstandingV4;
            if (--outstanding == 0)
            {
                socket.PauseReceive(); // net-ping's rule: nothing to wait for, nothing pending, no buffer.
            }
        }
    }

    private async Task SendRequestAsync(RawSocket socket, PendingEcho pending, bool isIPv6, PingOptions options, CancellationToken cancellationToken)
    {
        int length = pending.MessageLength;
        byte[] packet = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Span<byte> payload = packet.AsSpan(IcmpEcho.HeaderLength, options.PayloadSize);
            for (int i = 0; i < payload.Length; i++)
            {
                payload[i] = (byte)(i + IcmpEcho.HeaderLength); // iputils' fill pattern
            }

            if (isIPv6)
            {
                // The kernel fills in ICMPv6 checksums on raw ICMPv6 sockets.
                Icmpv6Echo.WriteRequest(packet, Identifier, pending.SequenceNumber, payload);
            }
            else
            {
                IcmpEcho.WriteRequest(packet, Identifier, pending.SequenceNumber, payload);
            }

            int ttl = options.TimeToLive ?? -1;
            await socket.SendAsync(packet.AsMemory(0, length), pending.Address, () =>
            {
                ApplyTimeToLive(socket, isIPv6, ttl);
                pending.SentTimestamp = _timeProvider.GetTimestamp();
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(packet);
        }
    }

    private void ApplyTimeToLive(RawSocket socket, bool isIPv6, int ttl)
    {
        ref int applied = ref isIPv6 ? ref _appliedTtlV6 : ref _appliedTtlV4;
        if (applied == ttl)
        {
            return;
        }

        if (isIPv6)
        {
            socket.SetOption(RawSocketLevel.IPPROTO_IPV6, RawSocketOption.IPV6_UNICAST_HOPS, ttl);
        }
        else
        {
            socket.SetOption(RawSocketLevel.IPPROTO_IP, RawSocketOption.IP_TTL, ttl);
        }

        applied = ttl;
    }

    private void OnDatagram(bool isIPv6, ReadOnlySpan<byte> datagram, IPAddress source)
    {
        long arrived = _timeProvider.GetTimestamp();
        int? ttl = null;
        ReadOnlySpan<byte> message = datagram;
        if (!isIPv6)
        {
            if (!IPv4Header.TryParse(datagram, out IPv4Header header))
            {
                return;
            }

            ttl = header.TimeToLive;
            message = header.Payload;
        }

        bool parsed = isIPv6 ? Icmpv6Echo.TryParse(message, out IcmpEchoMessage echo) : IcmpEcho.TryParse(message, out echo);

        // Requests (our own, looped back on loopback) and other pingers' replies are not ours.
        if (!parsed || !echo.IsReply || echo.Identifier != Identifier)
        {
            return;
        }

        // The kernel verified the ICMPv6 checksum before delivering; an ICMP one is checked here, as iputils does.
        if (!isIPv6 && !echo.VerifyChecksum())
        {
            return;
        }

        PendingEcho? pending;
        lock (_lock)
        {
            _pending.TryGetValue(Key(isIPv6, echo.SequenceNumber), out pending);
        }

        if (pending is null || !pending.Address.Equals(source) || message.Length != pending.MessageLength)
        {
            return;
        }

        TimeSpan roundTrip = _timeProvider.GetElapsedTime(pending.SentTimestamp, arrived);
        pending.TrySetReply(new PingReply(PingStatus.Success, source, echo.SequenceNumber, roundTrip, ttl, message.Length, null));
    }
}
