using System.Net;
using System.Net.Sockets;
using System.Text.Json.Serialization;
using PipeNet.Resolver.Internal;

namespace PipeNet.Resolver;

/// <summary>
/// What a host name resolved to: rampart-net's result object. Serialised with <c>System.Text.Json</c> it has
/// rampart's exact shape — <c>host</c>, <c>ip4addrs</c>, <c>ip6addrs</c>, <c>ipaddrs</c>, <c>ip</c>, <c>ipv4</c>,
/// <c>ipv6</c> and <c>canonName</c> — so code written against rampart's object reads it unchanged.
/// </summary>
/// <remarks>
/// Instances are immutable and shared: the resolver's cache hands the same instance to every caller of a name
/// until its time to live runs out.
/// </remarks>
[JsonConverter(typeof(HostInfoJsonConverter))]
public sealed class HostInfo
{
    /// <summary>Creates a result.</summary>
    /// <param name="host">The name that was looked up.</param>
    /// <param name="addresses">Every address, in the order connects should try them.</param>
    /// <param name="canonicalName">The canonical name (the end of a CNAME chain); <c>null</c> when unknown.</param>
    /// <exception cref="ArgumentNullException"><paramref name="host"/> or <paramref name="addresses"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="addresses"/> holds a <c>null</c> or a non-IP address.</exception>
    public HostInfo(string host, IEnumerable<IPAddress> addresses, string? canonicalName = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(addresses);
        IPAddress[] all = [.. addresses];
        var v4 = new List<IPAddress>(all.Length);
        var v6 = new List<IPAddress>(all.Length);
        foreach (IPAddress address in all)
        {
            switch (address?.AddressFamily)
            {
                case AddressFamily.InterNetwork:
                    v4.Add(address);
                    break;
                case AddressFamily.InterNetworkV6:
                    v6.Add(address);
                    break;
                default:
                    throw new ArgumentException($"Every address must be an IPv4 or IPv6 address; got '{address?.ToString() ?? "null"}'.", nameof(addresses));
            }
        }

        Host = host;
        CanonicalName = canonicalName;
        Addresses = all;
        IPv4Addresses = [.. v4];
        IPv6Addresses = [.. v6];
    }

    /// <summary>The name that was looked up (rampart's <c>host</c>).</summary>
    public string Host { get; }

    /// <summary>The canonical name, where a CNAME chain ends (rampart's <c>canonName</c>); <c>null</c> when unknown.</summary>
    public string? CanonicalName { get; }

    /// <summary>The IPv4 addresses (rampart's <c>ip4addrs</c>).</summary>
    public IReadOnlyList<IPAddress> IPv4Addresses { get; }

    /// <summary>The IPv6 addresses (rampart's <c>ip6addrs</c>).</summary>
    public IReadOnlyList<IPAddress> IPv6Addresses { get; }

    /// <summary>Every address, in the order a connect tries them first (rampart's <c>ipaddrs</c>).</summary>
    public IReadOnlyList<IPAddress> Addresses { get; }

    /// <summary>The first address (rampart's <c>ip</c>), or <c>null</c> when there is none.</summary>
    public IPAddress? Ip => Addresses.Count > 0 ? Addresses[0] : null;

    /// <summary>The first IPv4 address (rampart's <c>ipv4</c>), or <c>null</c>.</summary>
    public IPAddress? IPv4 => IPv4Addresses.Count > 0 ? IPv4Addresses[0] : null;

    /// <summary>The first IPv6 address (rampart's <c>ipv6</c>), or <c>null</c>.</summary>
    public IPAddress? IPv6 => IPv6Addresses.Count > 0 ? IPv6Addresses[0] : null;

    /// <summary>Only the addresses of one family.</summary>
    /// <param name="family"><see cref="AddressFamily.InterNetwork"/>, <see cref="AddressFamily.InterNetworkV6"/>, or <see cref="AddressFamily.Unspecified"/> for all.</param>
    /// <returns>The addresses, in order.</returns>
    public IReadOnlyList<IPAddress> AddressesOf(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => IPv4Addresses,
        AddressFamily.InterNetworkV6 => IPv6Addresses,
        _ => Addresses,
    };

    /// <summary>The result as rampart's JSON object.</summary>
    /// <param name="indented">Whether to indent it.</param>
    /// <returns>The JSON text.</returns>
    public string ToJson(bool indented = false) => HostInfoJsonConverter.Serialize(this, indented);

    /// <summary>A one-line summary: the host and its addresses.</summary>
    /// <returns>For example <c>localhost: 127.0.0.1, ::1</c>.</returns>
    public override string ToString() => $"{Host}: {string.Join(", ", Addresses)}";
}
