using System.Net;
using Microsoft.AspNetCore.Connections;
using PipeNet.Tests;

namespace PipeNet.Transport.Tcp.Tests;

/// <summary>A bound listener whose connections a test takes one at a time, with a timeout.</summary>
internal sealed class ListenerHarness : IAsyncDisposable
{
    private readonly IConnectionListener _listener;

    private ListenerHarness(IConnectionListener listener) => _listener = listener;

    public EndPoint EndPoint => _listener.EndPoint;

    public static async Task<ListenerHarness> StartAsync(EndPoint endPoint, TcpTransportOptions? options = null) =>
        new(await new TcpListenerFactory(options).BindAsync(endPoint));

    public static Task<ListenerHarness> StartLoopbackAsync(TcpTransportOptions? options = null) =>
        StartAsync(new IPEndPoint(IPAddress.Loopback, 0), options);

    public async Task<ConnectionContext> AcceptAsync() =>
        await _listener.AcceptAsync().AsTask().WithTimeout() ?? throw new InvalidOperationException("The listener was unbound.");

    public async Task<ConnectionContext> AcceptWithTokenAsync(CancellationToken cancellationToken) =>
        await _listener.AcceptAsync(cancellationToken) ?? throw new InvalidOperationException("The listener was unbound.");

    public async ValueTask DisposeAsync() => await _listener.DisposeAsync();
}
