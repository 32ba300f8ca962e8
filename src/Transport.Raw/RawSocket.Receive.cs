using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace PipeNet.Transport.Raw;

// Receive side. The loop, drawn:
//
//   ┌─► wait: zero-byte recv with MSG_PEEK ── no buffer held, nothing consumed; PauseReceive cancels it
//   │     │ a datagram is queued
//   │     ▼
//   │   rent BufferSize ─► recvfrom ─► message(handler) ─► more queued (FIONREAD) and < 64 done? ─┐
//   │                                    ▲                                                       │
//   │                                    └───────────────────────── yes ────────────────────────┘
//   └──────────────── no: return the buffer ◄──┘
//
// Waiting with a peek instead of a real receive is what lets a paused or idle socket hold no buffer, and lets
// PauseReceive cancel the wait without losing a datagram: a cancelled peek has consumed nothing. Its price is
// one extra syscall per wake-up, not per datagram: a burst is drained with synchronous recvfrom calls, at most
// 64 per wake-up so the thread goes back to the pool now and then (libuv's rule for busy peers).
public sealed partial class RawSocket
{
    private const int MaxDatagramsPerWakeUp = 64;

    // Linux: MSG_TRUNC makes recvfrom return a datagram's real length, so truncation is seen, not silent.
    private static readonly SocketFlags s_receiveFlags = OperatingSystem.IsLinux() ? SocketFlags.Truncated : SocketFlags.None;

    private readonly SocketAddress _receivedAddress;
    private readonly IPEndPoint _endPointTemplate;

    // The source of the previous datagram: a peer that keeps sending costs no IPAddress per datagram.
    private SocketAddress? _lastSourceAddress;
    private IPAddress? _lastSource;

    // Guarded by _stateLock.
    private bool _receivePaused;
    private bool _receiveLoopRunning;
    private bool _receiveBusy; // raising events for a received datagram: close waits for this, not for a wait or a receive
    private CancellationTokenSource? _receiveCancellation;
    private int _rentedReceiveBuffers;
    private long _oversizedDatagrams;

    /// <summary>Whether receiving is paused (the seed's <c>recvPaused</c>).</summary>
    public bool ReceivePaused
    {
        get
        {
            lock (_stateLock)
            {
                return _receivePaused;
            }
        }
    }

    /// <summary>Whether a receive loop (and so possibly a pending receive) exists; for tests of the pause rules.</summary>
    internal bool IsReceiveLoopRunning
    {
        get
        {
            lock (_stateLock)
            {
                return _receiveLoopRunning;
            }
        }
    }

    /// <summary>
    /// How many datagrams were dropped because they did not fit in <see cref="BufferSize"/>. Such a datagram is
    /// also reported to <c>error</c> handlers, if there are any; with none it is only counted, never thrown: a
    /// raw socket sees every packet of its protocol on the host, and another program's large packet must not end
    /// this one.
    /// </summary>
    public long OversizedDatagrams => Interlocked.Read(ref _oversizedDatagrams);

    /// <summary>How many receive buffers are rented right now (0 or 1); for tests of the pause rules.</summary>
    internal int RentedReceiveBuffers => Volatile.Read(ref _rentedReceiveBuffers);

    /// <summary>
    /// Stops receiving (the seed's <c>pauseRecv</c>): no <c>message</c> is raised until
    /// <see cref="ResumeReceive"/>, no receive stays pending and no buffer stays rented; datagrams wait in the
    /// kernel's receive buffer (<see cref="RawSocketOption.SO_RCVBUF"/>), which drops what does not fit. A handler
    /// running when this is called finishes; no other follows it. Sending does not resume receiving.
    /// </summary>
    /// <returns>This socket.</returns>
    public RawSocket PauseReceive()
    {
        CancellationTokenSource? cancellation;
        lock (_stateLock)
        {
            if (_closed || _receivePaused)
            {
                return this;
            }

            _receivePaused = true;
            cancellation = _receiveCancellation;
            _receiveCancellation = null;
        }

        // Cancelling a zero-byte peek consumes nothing. The token source is left to the GC rather than disposed:
        // the loop may still be registering with it, and it owns no timer or wait handle.
        cancellation?.Cancel();
        return this;
    }

    /// <summary>Starts receiving again after <see cref="PauseReceive"/> (the seed's <c>resumeRecv</c>); datagrams queued meanwhile come first.</summary>
    /// <returns>This socket.</returns>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public RawSocket ResumeReceive()
    {
        lock (_stateLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (!_receivePaused)
            {
                return this;
            }

            _receivePaused = false;
            if (_receiveLoopRunning)
            {
                return this; // The loop has not noticed the pause yet: it goes on.
            }

            _receiveLoopRunning = true;
        }

        _ = ReceiveLoopAsync();
        return this;
    }

    private void StartReceiving()
    {
        lock (_stateLock)
        {
            _receiveLoopRunning = true;
        }

        _ = ReceiveLoopAsync();
    }

    private async Task ReceiveLoopAsync()
    {
        // Off the caller's stack: Create and ResumeReceive return at once, and handlers never run inside them.
        await Task.Yield();
        while (true)
        {
            CancellationToken token;
            lock (_stateLock)
            {
                if (_closed || _receivePaused)
                {
                    _receiveLoopRunning = false;
                    break;
                }

                _receiveCancellation ??= new CancellationTokenSource();
                token = _receiveCancellation.Token;
            }

            try
            {
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                continue; // Paused or closed: the top of the loop decides.
            }
            catch (ObjectDisposedException)
            {
                continue;
            }
            catch (SocketException ex)
            {
                if (!IsClosed)
                {
                    RaiseErrorFromLoop(NetException.FromSocketException(ex, $"{_description}: receive"));
                }

                continue;
            }

            ReceiveQueuedDatagrams();
        }
    }

    private void ReceiveQueuedDatagrams()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        Interlocked.Increment(ref _rentedReceiveBuffers);
        try
        {
            for (int i = 0; i < MaxDatagramsPerWakeUp; i++)
            {
                lock (_stateLock)
                {
                    if (_closed || _receivePaused)
                    {
                        return;
                    }
                }

                int received;
                SocketException? failure = null;
                try
                {
                    received = _socket.ReceiveFrom(buffer.AsSpan(0, BufferSize), s_receiveFlags, _receivedAddress);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException ex)
                {
                    failure = ex;
                    received = -1;
                }

                if (!RaiseReceived(buffer, received, failure))
                {
                    return;
                }

                try
                {
                    if (_socket.Available == 0)
                    {
                        return;
                    }
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException)
                {
                    return; // Nothing to drain after all: the peek reports whatever is wrong.
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _rentedReceiveBuffers);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Raises what one receive gave: its datagram (<c>message</c>) or its error. An open socket only; a Close meanwhile
    /// raises <c>close</c> after it. A datagram nobody listens for is dropped with nothing to wait for. Returns
    /// <c>false</c> when draining must stop.
    /// </summary>
    private bool RaiseReceived(byte[] buffer, int received, SocketException? failure)
    {
        if (failure is null && received <= BufferSize && ListenerCount(s_message) == 0)
        {
            return true;
        }

        if (!TryEnterHandlers())
        {
            return false;
        }

        try
        {
            if (failure is { SocketErrorCode: not SocketError.MessageSize })
            {
                RaiseErrorFromLoop(NetException.FromSocketException(failure, $"{_description}: receive"));
                return false;
            }

            if (failure is not null)
            {
                DropOversized(TooLarge(failure));
            }
            else if (received > BufferSize)
            {
                DropOversized(TooLarge(received));
            }
            else
            {
                Deliver(new ReadOnlyMemory<byte>(buffer, 0, received));
            }

            return true;
        }
        finally
        {
            ExitHandlers();
        }
    }

    /// <summary>Marks the loop as raising events for a datagram, unless the socket is closed; <see cref="Close"/> then leaves <c>close</c> to <see cref="ExitHandlers"/>.</summary>
    private bool TryEnterHandlers()
    {
        lock (_stateLock)
        {
            _receiveBusy = !_closed;
            return _receiveBusy;
        }
    }

    private void ExitHandlers()
    {
        bool closed;
        lock (_stateLock)
        {
            _receiveBusy = false;
            closed = _closed;
        }

        if (closed)
        {
            TryEmitClose();
        }
    }

    private void Deliver(ReadOnlyMemory<byte> datagram)
    {
        IPAddress source = SourceOfLastDatagram();
        try
        {
            Emit(s_message, datagram, source);
        }
        catch (Exception ex)
        {
            // A handler's exception must not kill the loop silently: it goes where errors go.
            RaiseErrorFromLoop(ex);
        }
    }

    /// <summary>Counts a datagram too large for the buffer and tells the <c>error</c> handlers, if any.</summary>
    private void DropOversized(NetException error)
    {
        Interlocked.Increment(ref _oversizedDatagrams);
        if (!IsClosed)
        {
            try
            {
                Emit(s_error, error);
            }
            catch (Exception ex)
            {
                RaiseErrorFromLoop(ex);
            }
        }
    }

    private IPAddress SourceOfLastDatagram()
    {
        if (_lastSource is not null && _receivedAddress.Equals(_lastSourceAddress))
        {
            return _lastSource;
        }

        var endPoint = (IPEndPoint)_endPointTemplate.Create(_receivedAddress);
        var copy = new SocketAddress(_receivedAddress.Family, _receivedAddress.Size);
        _receivedAddress.Buffer.Span[.._receivedAddress.Size].CopyTo(copy.Buffer.Span);
        _lastSourceAddress = copy;
        _lastSource = endPoint.Address;
        return _lastSource;
    }

    private NetException TooLarge(int length) => new(
        NetErrorCode.MessageTooLong,
        $"{_description}: {NetErrorCode.MessageTooLong}: a datagram of {length} bytes does not fit in BufferSize ({BufferSize} bytes) and was dropped.");

    private NetException TooLarge(SocketException ex) => new(
        NetErrorCode.MessageTooLong,
        $"{_description}: {NetErrorCode.MessageTooLong}: a datagram does not fit in BufferSize ({BufferSize} bytes) and was dropped.",
        ex);
}
