using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tcp;

namespace PipeNet.Transport.Tls.Tests;

/// <summary>A TLS server on loopback port 0 (TCP transport, dispatcher, TLS middleware, an application), and TLS clients for it.</summary>
internal sealed class TlsHarness : IAsyncDisposable
{
    private readonly Channel<TlsException> _errors = Channel.CreateUnbounded<TlsException>();

    private TlsHarness(TlsServerOptions options) => Options = options;

    public TlsServerOptions Options { get; }

    public ConnectionDispatcher Dispatcher { get; private set; } = null!;

    public IPEndPoint EndPoint { get; private set; } = null!;

    public int Port => EndPoint.Port;

    public static async Task<TlsHarness> StartAsync(TlsServerOptions options, ConnectionDelegate? application = null, IPAddress? address = null)
    {
        var harness = new TlsHarness(options);
        options.ClientError = (_, error) => harness._errors.Writer.TryWrite(error);
        ConnectionDelegate app = ConnectionPipeline.CreateBuilder().UseTls(options).Run(c => (application ?? EchoApplication.RunAsync)(c)).Build();
        harness.Dispatcher = new ConnectionDispatcher(app);
        harness.EndPoint = (IPEndPoint)await harness.Dispatcher.BindAsync(new IPEndPoint(address ?? IPAddress.Loopback, 0), new TcpListenerFactory());
        return harness;
    }

    /// <summary>The next error the server reported for a client.</summary>
    public async Task<TlsException> NextErrorAsync() => await _errors.Reader.ReadAsync().AsTask().WithTimeout();

    public bool TryGetError(out TlsException? error) => _errors.Reader.TryRead(out error);

    public async Task<ConnectionContext> ConnectAsync(TlsClientOptions options, string? host = null)
    {
        using var connector = new TcpConnector();
        ConnectionContext connection = await connector.ConnectAsync(EndPoint).WithTimeout();
        return await TlsClient.AuthenticateAsync(connection, options, host).WithTimeout();
    }

    public async ValueTask DisposeAsync() => await Dispatcher.StopAsync(TimeSpan.FromSeconds(5)).WithTimeout();
}
