using Microsoft.AspNetCore.Connections;

namespace PipeNet.Internal;

/// <summary>The dispatcher's bookkeeping for one admitted connection.</summary>
internal sealed record DispatchedConnection(long Id, ConnectionContext Connection, IConnectionBytesFeature Bytes, IConnectionIdleTimeoutFeature IdleClock, long StartTimestamp);
