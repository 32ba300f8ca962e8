using System.Net;
using System.Net.Sockets;
using PipeNet.Transport.Raw.Internal;

namespace PipeNet.Transport.Raw;

// Send side. Sends are queued in call order and made by whichever caller finds nobody else draining the queue
// (a flag, not a lock, so a callback may call Send again without deadlocking: the outer drain sends it next).
// PauseSend only holds the queue; the next Send or ResumeSend releases it, as the seed says.
public sealed partial class RawSocket
{
    private readonly Queue<SendRequest> _sendQueue = new();

    // Guarded by _stateLock.
    private bool _sendPaused;
    private bool _sending;
    private bool _generateChecksums;
    private int _checksumOffset;

    // Touched only by the thread that drains the queue.
    private IPAddress? _lastDestination;
    private SocketAddress? _lastDestinationAddress;

    /// <summary>Whether sending is paused (the seed's <c>sendPaused</c>).</summary>
    public bool SendPaused
    {
        get
        {
            lock (_stateLock)
            {
                return _sendPaused;
            }
        }
    }

    /// <summary>Whether the socket writes a checksum into each datagram before sending it; see <see cref="GenerateChecksums"/>.</summary>
    public bool GeneratesChecksums
    {
        get
        {
            lock (_stateLock)
            {
                return _generateChecksums;
            }
        }
    }

    /// <summary>Where in each datagram the generated checksum goes.</summary>
    public int ChecksumOffset
    {
        get
        {
            lock (_stateLock)
            {
                return _checksumOffset;
            }
        }
    }

    /// <summary>
    /// Turns automatic checksums on or off (the seed's <c>generateChecksums</c>): when on, each datagram's two
    /// bytes at <paramref name="offset"/> are zeroed, and the RFC 1071 checksum of the whole datagram is written
    /// there just before it is sent. The caller's buffer is modified.
    /// </summary>
    /// <param name="generate">Whether to generate checksums.</param>
    /// <param name="offset">Where the checksum field starts, for example 2 for ICMP.</param>
    /// <returns>This socket.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is negative or past the largest datagram.</exception>
    public RawSocket GenerateChecksums(bool generate, int offset = 0)
    {
        if (offset is < 0 or > ushort.MaxValue - 2)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "The checksum offset must be from 0 to 65533.");
        }

        lock (_stateLock)
        {
            _generateChecksums = generate;
            _checksumOffset = offset;
        }

        return this;
    }

    /// <summary>
    /// Holds datagrams queued from now on (the seed's <c>pauseSend</c>) until <see cref="ResumeSend"/> or the next
    /// <c>Send</c>, which resumes the send side. A datagram already being sent completes.
    /// </summary>
    /// <returns>This socket.</returns>
    public RawSocket PauseSend()
    {
        lock (_stateLock)
        {
            if (!_closed)
            {
                _sendPaused = true;
            }
        }

        return this;
    }

    /// <summary>Resumes sending (the seed's <c>resumeSend</c>) and sends what was queued meanwhile, on this thread.</summary>
    /// <returns>This socket.</returns>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public RawSocket ResumeSend()
    {
        lock (_stateLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _sendPaused = false;
            if (_sending || _sendQueue.Count == 0)
            {
                return this;
            }

            _sending = true;
        }

        DrainSendQueue();
        return this;
    }

    /// <summary>
    /// Sends one datagram (the seed's <c>send</c>), resuming the send side if it was paused; receiving is not
    /// resumed. For IPv4 the kernel builds the IP header unless <see cref="RawSocketOption.IP_HDRINCL"/> is set;
    /// for IPv6 it always does.
    /// </summary>
    /// <param name="buffer">The datagram's bytes. With <see cref="GeneratesChecksums"/> the checksum is written into it.</param>
    /// <param name="offset">Where the datagram starts in <paramref name="buffer"/>.</param>
    /// <param name="length">The datagram's length.</param>
    /// <param name="address">The destination: an IPv4 address in dotted-quad form for an IPv4 socket, an IPv6 address for an IPv6 one.</param>
    /// <param name="beforeSend">Called right before the datagram goes out, for example to set <see cref="RawSocketOption.IP_TTL"/> for it alone. If it throws, the datagram is not sent and the exception goes to <paramref name="afterSend"/>.</param>
    /// <param name="afterSend">
    /// Called once the datagram is sent, with <c>null</c> and the bytes sent, or with the error and 0. Without it a
    /// send error raises <c>error</c> (thrown when there is no handler).
    /// </param>
    /// <returns>This socket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> or <paramref name="address"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not an IP address of the socket's family.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> and <paramref name="length"/> do not fit in <paramref name="buffer"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public RawSocket Send(byte[] buffer, int offset, int length, string address, Action? beforeSend = null, Action<Exception?, int>? afterSend = null)
        => Send(buffer, offset, length, ParseAddress(address), beforeSend, afterSend);

    /// <summary>Sends one datagram to <paramref name="address"/>; see <see cref="Send(byte[], int, int, string, Action?, Action{Exception?, int}?)"/>.</summary>
    /// <param name="buffer">The datagram's bytes. With <see cref="GeneratesChecksums"/> the checksum is written into it.</param>
    /// <param name="offset">Where the datagram starts in <paramref name="buffer"/>.</param>
    /// <param name="length">The datagram's length.</param>
    /// <param name="address">The destination, of the socket's family.</param>
    /// <param name="beforeSend">Called right before the datagram goes out.</param>
    /// <param name="afterSend">Called once the datagram is sent, with the error or <c>null</c> and the bytes sent.</param>
    /// <returns>This socket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="buffer"/> or <paramref name="address"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not of the socket's family.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> and <paramref name="length"/> do not fit in <paramref name="buffer"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public RawSocket Send(byte[] buffer, int offset, int length, IPAddress address, Action? beforeSend = null, Action<Exception?, int>? afterSend = null)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if ((uint)offset > (uint)buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The offset is outside the buffer of {buffer.Length} bytes.");
        }

        if ((uint)length > (uint)(buffer.Length - offset))
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Buffer length {buffer.Length} is not large enough for offset {offset} plus length {length}.");
        }

        CheckAddressFamily(address);
        Enqueue(new SendRequest(buffer.AsMemory(offset, length), address, beforeSend, afterSend, isAsync: false));
        return this;
    }

    /// <summary>Sends one datagram and reports the result as a task; see <see cref="Send(byte[], int, int, IPAddress, Action?, Action{Exception?, int}?)"/>.</summary>
    /// <param name="buffer">The datagram. With <see cref="GeneratesChecksums"/> the checksum is written into it.</param>
    /// <param name="address">The destination, of the socket's family.</param>
    /// <param name="cancellationToken">Withdraws the datagram while it is still queued (send paused).</param>
    /// <returns>The bytes sent. It fails with a <see cref="NetException"/> when the kernel refuses the datagram.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not of the socket's family.</exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public ValueTask<int> SendAsync(Memory<byte> buffer, IPAddress address, CancellationToken cancellationToken = default)
        => SendAsync(buffer, address, beforeSend: null, cancellationToken);

    /// <summary>Sends one datagram to an address given as text; see <see cref="SendAsync(Memory{byte}, IPAddress, CancellationToken)"/>.</summary>
    /// <param name="buffer">The datagram.</param>
    /// <param name="address">The destination in text form, of the socket's family.</param>
    /// <param name="cancellationToken">Withdraws the datagram while it is still queued.</param>
    /// <returns>The bytes sent.</returns>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not an IP address of the socket's family.</exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public ValueTask<int> SendAsync(Memory<byte> buffer, string address, CancellationToken cancellationToken = default)
        => SendAsync(buffer, ParseAddress(address), beforeSend: null, cancellationToken);

    /// <summary>Sends one datagram, calling <paramref name="beforeSend"/> right before it goes out.</summary>
    /// <param name="buffer">The datagram. With <see cref="GeneratesChecksums"/> the checksum is written into it.</param>
    /// <param name="address">The destination, of the socket's family.</param>
    /// <param name="beforeSend">Called right before the datagram goes out, for example to set a socket option for it alone.</param>
    /// <param name="cancellationToken">Withdraws the datagram while it is still queued.</param>
    /// <returns>The bytes sent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not of the socket's family.</exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public ValueTask<int> SendAsync(Memory<byte> buffer, IPAddress address, Action? beforeSend, CancellationToken cancellationToken = default)
    {
        CheckAddressFamily(address);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        var request = new SendRequest(buffer, address, beforeSend, afterSend: null, isAsync: true);
        request.RegisterCancellation(cancellationToken);
        Enqueue(request);
        return request.AsValueTask();
    }

    private IPAddress ParseAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!IPAddress.TryParse(address, out IPAddress? parsed))
        {
            throw new ArgumentException($"Invalid IP address '{address}': a raw {AddressFamily} socket sends to an {AddressFamily} address, not a host name.", nameof(address));
        }

        return parsed;
    }

    private void CheckAddressFamily(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        System.Net.Sockets.AddressFamily expected = AddressFamily == RawAddressFamily.IPv6
            ? System.Net.Sockets.AddressFamily.InterNetworkV6
            : System.Net.Sockets.AddressFamily.InterNetwork;
        if (address.AddressFamily != expected)
        {
            throw new ArgumentException($"The address {address} is not an {AddressFamily} address, the family of this socket.", nameof(address));
        }
    }

    private void Enqueue(SendRequest request)
    {
        lock (_stateLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _sendQueue.Enqueue(request);
            _sendPaused = false; // Sending resumes a paused send side (the seed's rule).
            if (_sending)
            {
                return; // The thread draining the queue sends it next.
            }

            _sending = true;
        }

        DrainSendQueue();
    }

    private void DrainSendQueue()
    {
        try
        {
            while (true)
            {
                SendRequest? request;
                bool generateChecksums;
                int checksumOffset;
                lock (_stateLock)
                {
                    if (_closed || _sendPaused || !_sendQueue.TryDequeue(out request))
                    {
                        break;
                    }

                    generateChecksums = _generateChecksums;
                    checksumOffset = _checksumOffset;
                }

                if (request.TryStart())
                {
                    SendOne(request, generateChecksums, checksumOffset);
                }
            }
        }
        finally
        {
            // Also reached when a callback throws: the queue must not stay claimed by a thread that left.
            lock (_stateLock)
            {
                _sending = false;
            }

            FailQueuedSendsIfIdle();
            TryEmitClose();
        }
    }

    private void SendOne(SendRequest request, bool generateChecksums, int checksumOffset)
    {
        Exception? error = null;
        int sent = 0;
        try
        {
            request.BeforeSend?.Invoke();
            Span<byte> datagram = request.Buffer.Span;
            if (generateChecksums)
            {
                if (checksumOffset > datagram.Length - 2)
                {
                    throw new ArgumentOutOfRangeException(nameof(checksumOffset), checksumOffset, $"The checksum offset {checksumOffset} is outside the datagram of {datagram.Length} bytes.");
                }

                InternetChecksum.ComputeAndWrite(datagram, checksumOffset);
            }

            try
            {
                sent = _socket.SendTo(datagram, SocketFlags.None, DestinationAddress(request.Address));
            }
            catch (SocketException ex) when (!IsClosed)
            {
                error = NetException.FromSocketException(ex, $"{_description}: send to {request.Address}");
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                error = Closed(); // Close() raced with this send.
            }
        }
        catch (Exception ex)
        {
            error = ex; // From beforeSend or the checksum: the seed hands it to afterSend too.
        }

        request.Complete(error, sent);
        if (request.AfterSend is not null)
        {
            request.AfterSend(error, sent);
        }
        else if (error is not null && !request.IsAsync)
        {
            RaiseError(error);
        }
    }

    private SocketAddress DestinationAddress(IPAddress address)
    {
        if (_lastDestinationAddress is null || !address.Equals(_lastDestination))
        {
            _lastDestinationAddress = new IPEndPoint(address, 0).Serialize();
            _lastDestination = address;
        }

        return _lastDestinationAddress;
    }

    private void FailQueuedSendsIfIdle()
    {
        List<SendRequest>? dropped = null;
        lock (_stateLock)
        {
            if (!_closed || _sending || _sendQueue.Count == 0)
            {
                return;
            }

            dropped = [.. _sendQueue];
            _sendQueue.Clear();
        }

        foreach (SendRequest request in dropped)
        {
            if (!request.TryStart())
            {
                continue;
            }

            NetException error = Closed();
            request.Complete(error, 0);
            request.AfterSend?.Invoke(error, 0);
        }
    }

    private NetException Closed() => new(NetErrorCode.Canceled, $"{_description}: {NetErrorCode.Canceled}: the socket was closed before the datagram was sent.");
}
