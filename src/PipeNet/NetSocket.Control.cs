using System.Text;
using Microsoft.AspNetCore.Connections;
using PipeNet.Internal;

namespace PipeNet;

public sealed partial class NetSocket
{
    /// <summary>Stops raising <c>data</c>: nothing more is read, so the peer is slowed by TCP itself.</summary>
    /// <returns>This socket.</returns>
    public NetSocket Pause()
    {
        SetFlag(NetSocketFlags.Paused);
        Wake(); // Interrupts a pending read; the loop then waits for Resume.
        return this;
    }

    /// <summary>Resumes reading after <see cref="Pause"/> (or <c>PauseOnConnect</c>).</summary>
    /// <returns>This socket.</returns>
    public NetSocket Resume()
    {
        ClearFlag(NetSocketFlags.Paused);
        Wake();
        return this;
    }

    /// <summary>Whether reading is paused.</summary>
    public bool IsPaused => HasFlag(NetSocketFlags.Paused);

    /// <summary>
    /// Raises <c>timeout</c> after <paramref name="milliseconds"/> without a byte moving either way; 0
    /// disables it. With <see cref="SocketOptions.CloseOnTimeout"/> the socket is destroyed after the event.
    /// </summary>
    /// <param name="milliseconds">The inactivity period in milliseconds; 0 disables.</param>
    /// <param name="callback">Registered once for the next <c>timeout</c>, as Node does.</param>
    /// <returns>This socket.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative value.</exception>
    public NetSocket SetTimeout(int milliseconds, Action? callback = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds);
        TimeSpan? timeout = milliseconds == 0 ? null : TimeSpan.FromMilliseconds(milliseconds);
        OwnOptions().Timeout = timeout;
        if (IdleClock is { } clock)
        {
            if (timeout is not null)
            {
                RaiseTimeouts(clock);
            }

            clock.IdleTimeout = timeout;
        }

        if (callback is not null)
        {
            Once("timeout", callback);
        }

        return this;
    }

    /// <summary>Turns TCP keep-alive on or off, now or at connect; defaults are rampart's (1 s, 1 s, 10).</summary>
    /// <param name="enable">Whether probes are sent.</param>
    /// <param name="initialDelay">Seconds of silence before the first probe.</param>
    /// <param name="interval">Seconds between probes.</param>
    /// <param name="count">Unanswered probes before the connection drops.</param>
    /// <returns>This socket.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value the kernel cannot take.</exception>
    public NetSocket SetKeepAlive(bool enable, int initialDelay = 1, int interval = 1, int count = 10)
    {
        SocketOptions options = OwnOptions();
        options.KeepAliveInitialDelay = initialDelay;
        options.KeepAliveInterval = interval;
        options.KeepAliveCount = count;
        options.KeepAlive = enable;
        _connection?.Features.Get<ISocketOptionsFeature>()?.SetKeepAlive(options.KeepAliveSettings);
        return this;
    }

    /// <summary>Turns Nagle's algorithm off (<c>true</c>) or on.</summary>
    /// <param name="noDelay">Whether small writes leave at once.</param>
    /// <returns>This socket.</returns>
    public NetSocket SetNoDelay(bool noDelay = true)
    {
        OwnOptions().NoDelay = noDelay;
        if (_connection?.Features.Get<ISocketOptionsFeature>() is { } socketOptions)
        {
            socketOptions.NoDelay = noDelay;
        }

        return this;
    }

    /// <summary>From now on <c>data</c> delivers text decoded with <paramref name="encoding"/> (bytes again when <c>null</c>).</summary>
    /// <param name="encoding">The encoding, or <c>null</c>.</param>
    /// <returns>This socket.</returns>
    public NetSocket SetEncoding(Encoding? encoding)
    {
        OwnOptions().Encoding = encoding;
        if (encoding is not null)
        {
            Extras.Decoder = encoding.GetDecoder();
        }
        else if (_extras is not null)
        {
            _extras.Decoder = null;
        }

        return this;
    }

    /// <summary>
    /// Closes the socket now: no more events but <c>error</c> (when <paramref name="error"/> is given) and
    /// <c>close</c>. Data already handed to the transport is still sent before the FIN.
    /// </summary>
    /// <param name="error">Raised as this socket's <c>error</c> before <c>close</c>(hadError: true).</param>
    /// <returns>This socket.</returns>
    public NetSocket Destroy(Exception? error = null)
    {
        bool connected;
        lock (this)
        {
            if (HasFlag(NetSocketFlags.Destroyed | NetSocketFlags.Closed))
            {
                return this;
            }

            SetFlag(NetSocketFlags.Destroyed);
            connected = _connection is not null;
        }

        if (error is not null)
        {
            Post(SocketSignal.Error, error);
        }

        if (connected)
        {
            // Releases a loop waiting on a flush the peer never drains.
            Output?.CancelPendingFlush();
            Wake();
        }
        else if (ReadyState != ReadyState.Opening)
        {
            // Never connected: there is no loop to close it.
            _ = CloseAsync();
        }

        return this;
    }

    /// <summary>Closes the socket with a TCP reset (RST) instead of FIN, discarding unsent data.</summary>
    /// <returns>This socket.</returns>
    public NetSocket ResetAndDestroy()
    {
        _connection?.Abort(new ConnectionAbortedException("ResetAndDestroy was called."));
        return Destroy();
    }

    /// <inheritdoc />
    protected override void OnHandlersChanged(string? eventName)
    {
        // Data flows once someone listens (as in Node); until then it waits in the buffers.
        if (eventName is null or "data")
        {
            Wake();
        }
    }
}
