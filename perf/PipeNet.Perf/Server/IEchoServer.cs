using System.Net;

namespace PipeNet.Perf.Server;

/// <summary>An echo server under test: starts on a loopback port, serves until disposed.</summary>
internal interface IEchoServer : IAsyncDisposable
{
    /// <summary>Binds 127.0.0.1:0 and starts serving.</summary>
    /// <returns>The bound endpoint with its real port.</returns>
    Task<IPEndPoint> StartAsync();
}
