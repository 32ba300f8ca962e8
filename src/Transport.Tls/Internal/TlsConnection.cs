using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace PipeNet.Transport.Tls.Internal;

/// <summary>
/// A connection after its TLS handshake: the inner connection with its pipe swapped for the
/// <see cref="TlsDuplexPipe"/>. Features added here (the TLS feature, plaintext byte counts, send progress)
/// shadow the inner connection's; everything else reads through to it.
/// </summary>
/// <remarks>
/// Disposing sends <c>close_notify</c> (when the output was not already ended) before the inner connection
/// closes, and waits for an ended output to finish sending, so nothing written before a close is lost.
/// </remarks>
internal sealed class TlsConnection : ConnectionContext
{
    private readonly ConnectionContext _inner;
    private readonly TlsDuplexPipe _pipe;
    private readonly FeatureCollection _features;

    public TlsConnection(ConnectionContext inner, TlsDuplexPipe pipe, IConnectionTlsFeature tls)
    {
        _inner = inner;
        _pipe = pipe;
        _features = new FeatureCollection(inner.Features);
        _features.Set(tls);
        _features.Set<IConnectionBytesFeature>(pipe);
        _features.Set<IConnectionSendProgressFeature>(pipe);
        Transport = pipe;
    }

    public override string ConnectionId
    {
        get => _inner.ConnectionId;
        set => _inner.ConnectionId = value;
    }

    public override IFeatureCollection Features => _features;

    public override IDictionary<object, object?> Items
    {
        get => _inner.Items;
        set => _inner.Items = value;
    }

    public override IDuplexPipe Transport { get; set; }

    public override EndPoint? LocalEndPoint
    {
        get => _inner.LocalEndPoint;
        set => _inner.LocalEndPoint = value;
    }

    public override EndPoint? RemoteEndPoint
    {
        get => _inner.RemoteEndPoint;
        set => _inner.RemoteEndPoint = value;
    }

    public override CancellationToken ConnectionClosed
    {
        get => _inner.ConnectionClosed;
        set => _inner.ConnectionClosed = value;
    }

    public override void Abort(ConnectionAbortedException abortReason) => _inner.Abort(abortReason);

    public override void Abort() => _inner.Abort();

    /// <summary>Ends the TLS layer only (close_notify, release the SslStream); the inner connection stays open.</summary>
    public ValueTask DisposeTlsAsync() => _pipe.DisposeAsync();

    public override async ValueTask DisposeAsync()
    {
        await _pipe.DisposeAsync().ConfigureAwait(false);
        await _inner.DisposeAsync().ConfigureAwait(false);
    }
}
