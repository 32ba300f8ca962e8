using System.Net;

namespace PipeNet;

/// <summary>
/// The argument of a socket's <c>connectionAttempt</c>, <c>connectionAttemptFailed</c> and
/// <c>connectionAttemptTimeout</c> events: Node's (ip, port, family[, error]).
/// </summary>
/// <param name="Address">The address tried.</param>
/// <param name="Port">The port tried.</param>
/// <param name="Family">4 or 6.</param>
/// <param name="Error">Why the attempt failed (<c>connectionAttemptFailed</c> only), otherwise <c>null</c>.</param>
public sealed record ConnectionAttempt(IPAddress Address, int Port, int Family, Exception? Error = null);
