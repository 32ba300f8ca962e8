namespace PipeNet.Transport.Raw;

/// <summary>The IP version of a <see cref="RawSocket"/> (the seed's <c>raw.AddressFamily</c>).</summary>
public enum RawAddressFamily
{
    /// <summary>IPv4 (<c>AF_INET</c>). Received datagrams start with the IPv4 header; see <see cref="IPv4Header"/>.</summary>
    IPv4 = 0,

    /// <summary>IPv6 (<c>AF_INET6</c>). Received datagrams start after the IPv6 header, which the kernel strips.</summary>
    IPv6 = 1,
}
