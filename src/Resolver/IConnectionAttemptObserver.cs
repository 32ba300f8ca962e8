using System.Net;

namespace PipeNet.Resolver;

/// <summary>
/// Told about each attempt of a <see cref="HappyEyeballsConnector"/> (the facade raises Node's
/// <c>connectionAttempt</c>, <c>connectionAttemptFailed</c> and <c>connectionAttemptTimeout</c> from these).
/// Calls may come from several threads, but never two for the same attempt at once.
/// </summary>
public interface IConnectionAttemptObserver
{
    /// <summary>An attempt to <paramref name="address"/> starts.</summary>
    /// <param name="address">The address tried.</param>
    void OnAttempt(IPAddress address);

    /// <summary>The attempt to <paramref name="address"/> failed (not raised for losers cancelled after another attempt won).</summary>
    /// <param name="address">The address tried.</param>
    /// <param name="error">Why it failed.</param>
    void OnAttemptFailed(IPAddress address, Exception error);

    /// <summary>The attempt to <paramref name="address"/> ran for the attempt delay without an outcome; the next address is tried beside it.</summary>
    /// <param name="address">The address still being tried.</param>
    void OnAttemptTimeout(IPAddress address);
}
