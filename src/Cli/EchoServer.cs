using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using PipeNet.Transport.Tcp;
using PipeNet.Transport.Tls;

namespace PipeNet.Cli;

/// <summary>
/// The echo server both <c>pipenet echo</c> and <c>pipenet demo</c> run: a <see cref="ConnectionDispatcher"/>
/// over a <see cref="TcpListenerFactory"/> (behind a <see cref="HeadroomListenerFactory"/> on Unix), serving
/// <see cref="EchoHandler"/>.
/// </summary>
internal sealed class EchoServer : IAsyncDisposable
{
    /// <summary>How long a stop lets open connections finish before aborting them.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    private EchoServer(ConnectionDispatcher dispatcher, EndPoint endPoint)
    {
        Dispatcher = dispatcher;
        EndPoint = endPoint;
    }

    public ConnectionDispatcher Dispatcher { get; }

    /// <summary>The bound endpoint, with the real port when port 0 was asked for.</summary>
    public EndPoint EndPoint { get; }

    /// <summary>Binds <paramref name="listen"/> and starts serving.</summary>
    /// <exception cref="NetException">The bind failed, for example <c>EADDRINUSE</c>.</exception>
    /// <param name="listen">Where to listen.</param>
    /// <param name="options">The dispatcher's policy.</param>
    /// <param name="loggerFactory">Where log messages go.</param>
    /// <param name="api">Which API echoes: the pipe-level handler or the event facade.</param>
    /// <param name="cancellationToken">Cancels the bind.</param>
    /// <param name="tls">Serve TLS with these options; plaintext when <c>null</c>.</param>
    public static async Task<EchoServer> StartAsync(EndPoint listen, ConnectionDispatcherOptions options, ILoggerFactory loggerFactory, EchoApi api = EchoApi.Pipe, CancellationToken cancellationToken = default, TlsServerOptions? tls = null)
    {
        ConnectionDelegate application = api == EchoApi.Events
            ? FacadeEcho().AsConnectionDelegate()
            : ConnectionPipeline.CreateBuilder().Run(EchoHandler.RunAsync).Build();
        if (tls is not null)
        {
            application = application.WithTls(tls, loggerFactory);
        }

        var dispatcher = new ConnectionDispatcher(application, options, loggerFactory);
        try
        {
            IConnectionListenerFactory transport = new TcpListenerFactory(loggerFactory: loggerFactory);
            if (!OperatingSystem.IsWindows())
            {
                transport = new HeadroomListenerFactory(transport, HeadroomListenerFactory.DefaultHeadroom);
            }

            EndPoint bound = await dispatcher.BindAsync(listen, transport, cancellationToken).ConfigureAwait(false);
            return new EchoServer(dispatcher, bound);
        }
        catch
        {
            await dispatcher.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The echo on the event facade: every <c>data</c> event's buffers written straight back.</summary>
    private static NetServer FacadeEcho() => new(null, socket => socket.OnData((System.Buffers.ReadOnlySequence<byte> data) =>
    {
        foreach (ReadOnlyMemory<byte> segment in data)
        {
            socket.Write(segment.Span);
        }
    }));

    /// <summary>Stops accepting, gives open connections <see cref="GracePeriod"/>, then aborts the rest.</summary>
    /// <param name="abort">Ends the grace period early.</param>
    public Task StopAsync(CancellationToken abort = default) => Dispatcher.StopAsync(GracePeriod, abort);

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
