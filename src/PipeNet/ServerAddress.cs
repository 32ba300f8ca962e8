namespace PipeNet;

/// <summary>What <see cref="NetServer.Address"/> returns, as Node's <c>server.address()</c>.</summary>
/// <param name="Address">The bound IP address as text, or the Unix socket path.</param>
/// <param name="Family"><c>IPv4</c>, <c>IPv6</c> or <c>unix</c>.</param>
/// <param name="Port">The bound port (0 for a Unix socket).</param>
public sealed record ServerAddress(string Address, string Family, int Port);
