using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace PipeNet.Resolver.Internal;

/// <summary>The resolver's log messages. Event ids are fixed and never reused (500–599).</summary>
internal static partial class ResolverLog
{
    [LoggerMessage(500, LogLevel.Debug, "Lookup {Host} ({Family}) answered by the {Backend} resolver: {Count} addresses, kept for {Ttl}.")]
    public static partial void Resolved(ILogger logger, string host, AddressFamily family, string backend, int count, TimeSpan ttl);

    [LoggerMessage(501, LogLevel.Debug, "Lookup {Host} ({Family}) failed with {Code}.")]
    public static partial void ResolveFailed(ILogger logger, string host, AddressFamily family, string code, Exception exception);

    [LoggerMessage(502, LogLevel.Debug, "Reverse lookup {Address} answered by the {Backend} resolver: {Name}.")]
    public static partial void Reversed(ILogger logger, IPAddress address, string backend, string name);

    [LoggerMessage(503, LogLevel.Debug, "Reverse lookup {Address} failed with {Code}.")]
    public static partial void ReverseFailed(ILogger logger, IPAddress address, string code, Exception exception);

    [LoggerMessage(504, LogLevel.Warning, "A DNS server sent a response that could not be read: {Message}")]
    public static partial void BadResponse(ILogger logger, string message);
}
