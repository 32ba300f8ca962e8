namespace PipeNet;

/// <summary>Thread-safe <see cref="IConnectionCloseReasonFeature"/> that keeps the first reason; transports embed one.</summary>
public sealed class CloseReasonFeature : IConnectionCloseReasonFeature
{
    private readonly Lock _lock = new();
    private ConnectionCloseReason _reason;
    private Exception? _error;

    /// <inheritdoc />
    public ConnectionCloseReason CloseReason
    {
        get
        {
            lock (_lock)
            {
                return _reason;
            }
        }
    }

    /// <inheritdoc />
    public Exception? CloseError
    {
        get
        {
            lock (_lock)
            {
                return _error;
            }
        }
    }

    /// <inheritdoc />
    public bool TrySetCloseReason(ConnectionCloseReason reason, Exception? error = null)
    {
        lock (_lock)
        {
            if (reason == ConnectionCloseReason.None || _reason != ConnectionCloseReason.None)
            {
                return false;
            }

            _reason = reason;
            _error = error;
            return true;
        }
    }
}
