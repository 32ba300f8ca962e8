namespace PipeNet.Internal;

/// <summary>
/// A socket's state bits, in one <c>int</c> (libuv keeps a handle's state the same way): fifteen <c>bool</c> fields
/// and a <see cref="ReadyState"/> cost every socket 24 bytes, these four.
/// </summary>
/// <remarks>Every change is an atomic bit operation, so bits written under the socket's lock and bits written
/// without it (<see cref="Paused"/>, <see cref="HadError"/>, …) never undo each other. The two bits flipped around
/// every data handler are plain fields of the socket instead, to keep atomic operations off the per-message path.</remarks>
[Flags]
internal enum NetSocketFlags
{
    None = 0,

    /// <summary>A connect is in progress (<see cref="ReadyState.Opening"/>).</summary>
    Opening = 1 << 0,

    /// <summary>The socket has a connection (<see cref="ReadyState.Open"/>, or half of it).</summary>
    Open = 1 << 1,

    /// <summary>Created by a server for an accepted connection.</summary>
    ServerSide = 1 << 2,

    /// <summary>The options are this socket's own, not the server's shared instance.</summary>
    OwnsOptions = 1 << 3,

    /// <summary>The peer's end of stream was read (and <c>end</c> raised).</summary>
    ReadEnded = 1 << 4,

    /// <summary><c>End</c> was called: no more writes.</summary>
    Ending = 1 << 5,

    /// <summary>The writing side is complete (FIN sent, or it failed).</summary>
    WriteEnded = 1 << 6,

    /// <summary><c>Destroy</c> was called (or an error destroyed the socket).</summary>
    Destroyed = 1 << 7,

    /// <summary>The connection is disposed and <c>close</c> is being raised.</summary>
    Closed = 1 << 8,

    /// <summary><c>close</c> was raised and <c>Completion</c>'s outcome is final.</summary>
    Completed = 1 << 9,

    /// <summary>An <c>error</c> was raised: <c>close</c> says <c>hadError</c>.</summary>
    HadError = 1 << 10,

    /// <summary>Reading is paused.</summary>
    Paused = 1 << 11,

    /// <summary>Nobody listened for data when the peer's end of stream arrived behind it.</summary>
    UnreadDataAtEnd = 1 << 12,

    /// <summary>The idle clock's expiry raises <c>timeout</c>.</summary>
    RaisingTimeouts = 1 << 13,

    /// <summary>Somebody woke the loop while it was not waiting.</summary>
    WakeRequested = 1 << 14,

    /// <summary>More was written while a flush was held back: flush again once it completes.</summary>
    FlushAgain = 1 << 15,

    /// <summary>A <c>Write</c> returned <c>false</c>: raise <c>drain</c> once the data is gone.</summary>
    NeedDrain = 1 << 16,

    /// <summary>A task follows the transport's send progress for write callbacks.</summary>
    WatchingSendProgress = 1 << 17,
}
