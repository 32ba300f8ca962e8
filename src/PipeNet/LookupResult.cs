using System.Net;

namespace PipeNet;

/// <summary>The argument of a socket's <c>lookup</c> event: Node's (error, address, family, host).</summary>
/// <param name="Error">Why the lookup failed, or <c>null</c>.</param>
/// <param name="Address">The first address found (the one tried first), or <c>null</c>.</param>
/// <param name="Family">4 or 6, or 0 when the lookup failed.</param>
/// <param name="Host">The host name that was looked up.</param>
public sealed record LookupResult(Exception? Error, IPAddress? Address, int Family, string Host);
