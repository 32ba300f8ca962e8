using System.Net.Sockets;
using PipeNet.Resolver;

namespace PipeNet;

public static partial class Net
{
    /// <summary>
    /// Resolves <paramref name="host"/> now, blocking the calling thread until the answer comes (rampart's
    /// <c>net.resolve</c>). Uses <see cref="HostResolver.Default"/>, the system resolver; prefer
    /// <see cref="HostResolver.ResolveAsync"/> in asynchronous code.
    /// </summary>
    /// <param name="host">A host name or IP address.</param>
    /// <param name="family">One family, or <see cref="AddressFamily.Unspecified"/> for both.</param>
    /// <returns>The addresses.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="host"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is not a valid host name (the message quotes it).</exception>
    /// <exception cref="NetException"><c>ENOTFOUND</c>, <c>ETIMEDOUT</c>, …</exception>
    public static HostInfo Resolve(string host, AddressFamily family = AddressFamily.Unspecified) =>
        Wait(HostResolver.Default.ResolveAsync(host, family));

    /// <summary>Resolves <paramref name="address"/> to a host name now, blocking until the answer comes (rampart's <c>net.reverse</c>).</summary>
    /// <param name="address">An IPv4 or IPv6 address.</param>
    /// <returns>The host name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not an IP address (the message quotes it).</exception>
    /// <exception cref="NetException"><c>ENOTFOUND</c> when the address has no name, <c>ETIMEDOUT</c>, …</exception>
    public static string Reverse(string address) => Wait(HostResolver.Default.ReverseAsync(address));

    /// <summary>
    /// Creates a <see cref="NetResolver"/> and starts resolving <paramref name="host"/> (rampart's <c>net.resolve_async</c>);
    /// the outcome arrives as the resolver's <c>lookup</c> or <c>error</c> event.
    /// </summary>
    /// <param name="host">A host name or IP address.</param>
    /// <param name="callback">Registered for <c>lookup</c>.</param>
    /// <returns>The resolver.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="host"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is not a valid host name.</exception>
    public static NetResolver ResolveAsync(string host, Action<HostInfo>? callback = null) => new NetResolver().Resolve(host, callback);

    /// <summary>Creates a <see cref="NetResolver"/> and starts resolving <paramref name="address"/> to a name (rampart's <c>net.reverse_async</c>).</summary>
    /// <param name="address">An IPv4 or IPv6 address.</param>
    /// <param name="callback">Registered for <c>lookup</c>; it gets a <see cref="HostInfo"/> whose <c>Host</c> is the name.</param>
    /// <returns>The resolver.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not an IP address.</exception>
    public static NetResolver ReverseAsync(string address, Action<HostInfo>? callback = null) => new NetResolver().Reverse(address, callback);

    private static T Wait<T>(ValueTask<T> pending) =>
        pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
}
