using System.Net;
using System.Net.Sockets;

namespace PipeNet.Resolver.Internal;

/// <summary>
/// The operating system's resolver (getaddrinfo/getnameinfo): honours <c>/etc/hosts</c>, nsswitch and resolv.conf.
/// On Linux .NET runs forward lookups through <c>getaddrinfo_a</c>, so no caller's thread waits on them.
/// </summary>
internal sealed class SystemResolverBackend(TimeSpan ttl) : IResolverBackend
{
    public async ValueTask<Answer<HostInfo>> ResolveAsync(string host, AddressFamily family, CancellationToken cancellationToken)
    {
        IPHostEntry entry;
        try
        {
            entry = await Dns.GetHostEntryAsync(host, family, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw NetException.FromSocketException(ex, $"lookup {host}");
        }

        IPAddress[] addresses = family == AddressFamily.Unspecified
            ? entry.AddressList
            : Array.FindAll(entry.AddressList, a => a.AddressFamily == family);
        if (addresses.Length == 0)
        {
            throw new NetException(NetErrorCode.NotFound, $"lookup {host}: {NetErrorCode.NotFound}: no {FamilyText(family)}addresses.");
        }

        string? canonical = string.IsNullOrEmpty(entry.HostName) ? null : entry.HostName;
        return new Answer<HostInfo>(new HostInfo(host, addresses, canonical), ttl);
    }

    public async ValueTask<Answer<string>> ReverseAsync(IPAddress address, CancellationToken cancellationToken)
    {
        IPHostEntry entry;
        try
        {
            entry = await Dns.GetHostEntryAsync(address).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw NetException.FromSocketException(ex, $"reverse {address}");
        }

        // getnameinfo without NI_NAMEREQD answers with the address itself when there is no name for it.
        if (string.IsNullOrEmpty(entry.HostName) || IPAddress.TryParse(entry.HostName, out _))
        {
            throw new NetException(NetErrorCode.NotFound, $"reverse {address}: {NetErrorCode.NotFound}: no name for this address.");
        }

        return new Answer<string>(entry.HostName, ttl);
    }

    internal static string FamilyText(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => "IPv4 ",
        AddressFamily.InterNetworkV6 => "IPv6 ",
        _ => "",
    };
}
