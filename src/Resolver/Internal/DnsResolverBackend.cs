using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;

namespace PipeNet.Resolver.Internal;

/// <summary>
/// Queries DNS servers directly (DnsClient): A, AAAA (following CNAMEs) and PTR, over UDP with a TCP retry when
/// an answer comes back truncated, with a per-try timeout, retries, and the next server after a failure.
/// </summary>
/// <remarks>
/// Every way a query can go wrong comes back as a <see cref="NetException"/>: a garbled or cut-off datagram is
/// <c>EBADRESP</c>, never an exception of the parser escaping to the caller.
/// </remarks>
internal sealed class DnsResolverBackend : IResolverBackend
{
    /// <summary>How many CNAMEs are followed by asking again; resolvers commonly stop at 8 to 16.</summary>
    private const int MaxCNameHops = 8;

    private readonly LookupClient _client;
    private readonly TimeSpan _maxTtl;

    public DnsResolverBackend(IPEndPoint[] servers, HostResolverOptions options)
    {
        var clientOptions = new LookupClientOptions([.. servers.Select(s => new NameServer(s))])
        {
            UseCache = false, // HostResolver's cache sits above every back end.
            Timeout = options.Timeout,
            Retries = options.Retries,
            UseTcpFallback = true,
            ThrowDnsErrors = false,
            ContinueOnDnsError = true,
            ContinueOnEmptyResponse = false, // no AAAA for a name is an answer, not a server failure
            UseRandomNameServer = options.RotateServers,
            Recursion = true,
            AutoResolveNameServers = false,
        };
        _client = new LookupClient(clientOptions);
        _maxTtl = options.MaxTtl;
    }

    public async ValueTask<Answer<HostInfo>> ResolveAsync(string host, AddressFamily family, CancellationToken cancellationToken)
    {
        // Both families at once: one round trip, not two. IPv6 first in the result, the order RFC 6724's default
        // policy gives and the one Happy Eyeballs (RFC 8305) starts from.
        Task<Records> v6 = family == AddressFamily.InterNetwork ? Task.FromResult(Records.None) : QueryAsync(host, QueryType.AAAA, cancellationToken);
        Task<Records> v4 = family == AddressFamily.InterNetworkV6 ? Task.FromResult(Records.None) : QueryAsync(host, QueryType.A, cancellationToken);
        Records[] results = await Task.WhenAll(v6, v4).ConfigureAwait(false);

        var addresses = new List<IPAddress>();
        string? canonical = null;
        uint ttl = uint.MaxValue;
        NetException? error = null;
        foreach (Records records in results)
        {
            if (records.Error is { } failure)
            {
                // NXDOMAIN is the authoritative answer for the name; other failures matter only when nothing answered.
                error = error is null || failure.Code == NetErrorCode.NotFound ? failure : error;
                continue;
            }

            addresses.AddRange(records.Addresses);
            canonical ??= records.CanonicalName;
            ttl = Math.Min(ttl, records.Ttl);
        }

        if (addresses.Count == 0)
        {
            throw error ?? new NetException(NetErrorCode.NotFound, $"lookup {host}: {NetErrorCode.NotFound}: the name has no {SystemResolverBackend.FamilyText(family)}addresses.");
        }

        return new Answer<HostInfo>(new HostInfo(host, addresses, canonical ?? host), Ttl(ttl));
    }

    public async ValueTask<Answer<string>> ReverseAsync(IPAddress address, CancellationToken cancellationToken)
    {
        string context = $"reverse {address}";
        IDnsQueryResponse response = await RunAsync(() => _client.QueryReverseAsync(address, cancellationToken), context, cancellationToken).ConfigureAwait(false);
        ThrowOnError(response, context);
        foreach (DnsResourceRecord record in response.Answers)
        {
            if (record is PtrRecord ptr)
            {
                return new Answer<string>(TrimDot(ptr.PtrDomainName.Value), Ttl((uint)Math.Max(0, ptr.TimeToLive)));
            }
        }

        throw new NetException(NetErrorCode.NotFound, $"{context}: {NetErrorCode.NotFound}: no PTR record for this address.");
    }

    private async Task<Records> QueryAsync(string host, QueryType type, CancellationToken cancellationToken)
    {
        string name = host;
        string? canonical = null;
        uint ttl = uint.MaxValue;
        try
        {
            // A server that answers with a CNAME but not the target's records (the target lives in a zone it does
            // not serve, and it does not recurse) is asked again for the target, a bounded number of times.
            for (int hop = 0; hop <= MaxCNameHops; hop++)
            {
                string context = $"lookup {host} ({type})";
                IDnsQueryResponse response = await RunAsync(() => _client.QueryAsync(name, type, QueryClass.IN, cancellationToken), context, cancellationToken).ConfigureAwait(false);
                ThrowOnError(response, context);
                Records records = Collect(name, type, response);
                ttl = Math.Min(ttl, records.Ttl);
                canonical = records.CanonicalName ?? canonical;
                if (records.Addresses.Count > 0 || records.CanonicalName is null)
                {
                    return records with { CanonicalName = canonical, Ttl = ttl };
                }

                name = records.CanonicalName;
            }

            throw new NetException(NetErrorCode.BadResponse, $"lookup {host} ({type}): {NetErrorCode.BadResponse}: more than {MaxCNameHops} CNAMEs in a row (a loop?).");
        }
        catch (NetException ex)
        {
            return new Records([], null, 0, ex);
        }
    }

    private static Records Collect(string host, QueryType type, IDnsQueryResponse response)
    {
        var addresses = new List<IPAddress>();
        string name = host;
        string? canonical = null;
        uint ttl = uint.MaxValue;
        foreach (DnsResourceRecord record in response.Answers)
        {
            switch (record)
            {
                case ARecord a when type == QueryType.A:
                    addresses.Add(a.Address);
                    break;
                case AaaaRecord aaaa when type == QueryType.AAAA:
                    addresses.Add(aaaa.Address);
                    break;
                case CNameRecord cname when string.Equals(TrimDot(cname.DomainName.Value), name, StringComparison.OrdinalIgnoreCase):
                    name = TrimDot(cname.CanonicalName.Value);
                    canonical = name;
                    break;
                default:
                    continue;
            }

            ttl = Math.Min(ttl, (uint)Math.Max(0, record.TimeToLive));
        }

        // No record at all (NODATA) puts no limit on the other family's TTL.
        return new Records(addresses, canonical, ttl, null);
    }

    private static async Task<IDnsQueryResponse> RunAsync(Func<Task<IDnsQueryResponse>> query, string context, CancellationToken cancellationToken)
    {
        try
        {
            return await query().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (DnsResponseException ex) when (ex.Code == DnsResponseCode.ConnectionTimeout)
        {
            throw new NetException(NetErrorCode.TimedOut, $"{context}: {NetErrorCode.TimedOut}: no DNS server answered in time.", ex);
        }
        catch (DnsResponseException ex) when (ex.InnerException is SocketException se)
        {
            throw NetException.FromSocketException(se, context);
        }
        catch (DnsResponseException ex) when (Code(ex.Code) is { } code)
        {
            throw new NetException(code, $"{context}: {code}: {ex.DnsError}.", ex);
        }
        catch (SocketException ex)
        {
            throw NetException.FromSocketException(ex, context);
        }
        catch (TimeoutException ex)
        {
            throw new NetException(NetErrorCode.TimedOut, $"{context}: {NetErrorCode.TimedOut}: no DNS server answered in time.", ex);
        }
        catch (Exception ex) when (ex is not NetException)
        {
            // A response the parser could not read (cut short, bad lengths, bad pointers): the server's fault, reported as such.
            throw new NetException(NetErrorCode.BadResponse, $"{context}: {NetErrorCode.BadResponse}: the DNS response could not be read ({ex.Message}).", ex);
        }
    }

    private static void ThrowOnError(IDnsQueryResponse response, string context)
    {
        if (!response.HasError)
        {
            return;
        }

        var responseCode = (DnsResponseCode)response.Header.ResponseCode;
        string code = Code(responseCode) ?? NetErrorCode.BadResponse;
        throw new NetException(code, $"{context}: {code}: {response.ErrorMessage}.");
    }

    private static string? Code(DnsResponseCode code) => code switch
    {
        DnsResponseCode.NotExistentDomain => NetErrorCode.NotFound,
        DnsResponseCode.ServerFailure => NetErrorCode.ServerFailure,
        DnsResponseCode.Refused => NetErrorCode.Refused,
        DnsResponseCode.FormatError => NetErrorCode.FormatError,
        DnsResponseCode.NotImplemented => NetErrorCode.NotImplemented,
        DnsResponseCode.ConnectionTimeout => NetErrorCode.TimedOut,
        DnsResponseCode.Unassigned or DnsResponseCode.BadTruncation => NetErrorCode.BadResponse,
        _ => null,
    };

    private TimeSpan Ttl(uint seconds) => seconds == uint.MaxValue ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(seconds, _maxTtl.TotalSeconds));

    private static string TrimDot(string name) => name.EndsWith('.') ? name[..^1] : name;

    private sealed record Records(List<IPAddress> Addresses, string? CanonicalName, uint Ttl, NetException? Error)
    {
        public static readonly Records None = new([], null, uint.MaxValue, null);
    }
}
