namespace PipeNet;

/// <summary>Records the first reason a connection ended, with the error behind it.</summary>
public interface IConnectionCloseReasonFeature
{
    /// <summary>The first recorded reason, or <see cref="ConnectionCloseReason.None"/>.</summary>
    ConnectionCloseReason CloseReason { get; }

    /// <summary>The error recorded with the first reason, if any.</summary>
    Exception? CloseError { get; }

    /// <summary>Records <paramref name="reason"/> unless a reason was already recorded.</summary>
    /// <param name="reason">The reason; <see cref="ConnectionCloseReason.None"/> is ignored.</param>
    /// <param name="error">The error behind it, if any.</param>
    /// <returns><c>true</c> when this call recorded the reason.</returns>
    bool TrySetCloseReason(ConnectionCloseReason reason, Exception? error = null);
}
