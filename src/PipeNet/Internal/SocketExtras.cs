using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Text;

namespace PipeNet.Internal;

/// <summary>
/// A socket's occasional state, created the first time any of it is needed (as <see cref="Task"/> keeps its rare
/// fields in ContingentProperties): an accepted socket that only reads, writes and closes never creates one, so a
/// server connection pays one reference for all of them.
/// </summary>
/// <remarks>Fields, not properties, so the socket can read and swap them with <see cref="Volatile"/> and <see cref="Interlocked"/>.</remarks>
internal sealed class SocketExtras
{
    /// <summary>Work posted to the loop from other threads (drain, timeout, write callbacks, errors).</summary>
    public ConcurrentQueue<(SocketSignal Signal, object? State)>? Signals;

    /// <summary>The loop waiting for a wake-up, if it is.</summary>
    public TaskCompletionSource<ReadResult>? SignalWaiter;

    /// <summary>The flush the transport is holding back (the peer reads slower than we write), or <c>null</c>.</summary>
    public Task? PendingFlush;

    /// <summary><c>Completion</c>'s source, created when first asked for.</summary>
    public TaskCompletionSource? Completion;

    /// <summary>The codec attached by <c>UseCodec</c>.</summary>
    public IMessageDispatcher? Messages;

    /// <summary>An error nobody handled: it faults <c>Completion</c>.</summary>
    public Exception? UnhandledError;

    /// <summary>Decodes <c>data</c> into text after <c>SetEncoding</c>.</summary>
    public Decoder? Decoder;

    /// <summary>Callbacks of writes not yet handed to the kernel, with the byte count that releases each.</summary>
    public Queue<(long End, Action<Exception?> Callback)>? WriteCallbacks;

    /// <summary>Callbacks due to run on the loop, with their outcome.</summary>
    public Queue<(Action<Exception?> Callback, Exception? Error)>? ReadyCallbacks;

    /// <summary>The addresses the host name resolved to when connecting.</summary>
    public IReadOnlyList<IPAddress> HostAddresses = [];

    /// <summary>The idle monitor a socket joined on its own (no dispatcher gave it a clock).</summary>
    public ConnectionIdleMonitor? OwnedMonitor;

    /// <summary>The clock <see cref="OwnedMonitor"/> gave the socket.</summary>
    public IConnectionIdleTimeoutFeature? OwnedClock;

    /// <summary>A <c>HighWaterMark</c> other than the default.</summary>
    public long? HighWaterMark;

    /// <summary>What was written before the socket connected.</summary>
    public ArrayBufferWriter<byte>? BufferedBeforeConnect;
}
