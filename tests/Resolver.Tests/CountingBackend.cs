using System.Net;
using System.Net.Sockets;
using PipeNet.Resolver.Internal;

namespace PipeNet.Resolver.Tests;

/// <summary>A back end that counts its queries and answers as the test says; a gate can hold answers back.</summary>
internal sealed class CountingBackend : IResolverBackend
{
    private int _resolves;
    private int _reverses;

    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>When set, every query waits for it.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Thrown instead of answering, when set.</summary>
    public Func<string, Exception>? Fail { get; set; }

    public int Resolves => Volatile.Read(ref _resolves);

    public int Reverses => Volatile.Read(ref _reverses);

    public async ValueTask<Answer<HostInfo>> ResolveAsync(string host, AddressFamily family, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _resolves);
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        if (Fail is { } fail)
        {
            throw fail(host);
        }

        return new Answer<HostInfo>(new HostInfo(host, [IPAddress.Parse("192.0.2.1")]), Ttl);
    }

    public async ValueTask<Answer<string>> ReverseAsync(IPAddress address, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reverses);
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        return new Answer<string>("name-of-" + address, Ttl);
    }
}
