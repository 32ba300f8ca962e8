using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using PipeNet.Transport.Tcp;

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
    public static async Task<EchoServer> StartAsync(EndPoint listen, ConnectionDispatcherOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ConnectionDelegate application = ConnectionPipeline.CreateBuilder().Run(EchoHandler.RunAsync).Build();
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

    /// <summary>Stops accepting, gives open connections <see cref="GracePeriod"/>, then aborts the rest.</summary>
    /// <param name="abort">Ends the grace period early.</param>
    public Task StopAsync(CancellationToken abort = default) => Dispatcher.StopAsync(GracePeriod, abort);

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
