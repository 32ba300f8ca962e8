using System.Net;
using System.Net.Sockets;

namespace PipeNet.Resolver.Internal;

/// <summary>Where answers come from: the system resolver or DNS servers queried directly.</summary>
/// <remarks>Failures are <see cref="NetException"/>s with a code (<c>ENOTFOUND</c>, <c>ETIMEDOUT</c>, <c>ESERVFAIL</c>…).</remarks>
internal interface IResolverBackend
{
    /// <summary>Looks up the addresses of a validated host name.</summary>
    ValueTask<Answer<HostInfo>> ResolveAsync(string host, AddressFamily family, CancellationToken cancellationToken);

    /// <summary>Looks up the name of an address.</summary>
    ValueTask<Answer<string>> ReverseAsync(IPAddress address, CancellationToken cancellationToken);
}

/// <summary>An answer and how long it may be kept (<see cref="TimeSpan.Zero"/>: not at all).</summary>
internal readonly record struct Answer<T>(T Value, TimeSpan Ttl);
