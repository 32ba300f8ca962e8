using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PipeNet.Transport.Tcp.Internal.Epoll;

/// <summary>
/// A listening or connecting socket's registration with an <see cref="EpollLoop"/>: its two readiness signals and
/// its non-blocking I/O. (Connections handle their own events: see <see cref="EpollConnection"/>.)
/// </summary>
/// <remarks>
/// The syscalls take the socket's <see cref="SafeHandle"/>, which holds a reference for each call: a socket
/// closed by another thread is never reused under a receive or send in progress; the call fails with
/// <see cref="ObjectDisposedException"/> instead.
/// </remarks>
internal sealed class EpollSocket(EpollLoop loop, SafeHandle handle) : IEpollHandler
{
    public EpollSignal Readable { get; } = new();

    public EpollSignal Writable { get; } = new();

    /// <summary>The loop's token for this socket (slot and generation; never 0 once registered).</summary>
    public ulong Token { get; set; }

    public bool IsRegistered => Token != 0;

    public SocketError Register() => loop.Register(this, handle);

    public void Unregister() => loop.Unregister(this);

    /// <summary>Wakes both pumps for good: the socket is closed.</summary>
    public void Close()
    {
        Readable.Close();
        Writable.Close();
    }

    /// <summary>On the loop's thread: one event's flags.</summary>
    public void OnEvents(uint flags)
    {
        bool failed = (flags & (LinuxInterop.EpollErr | LinuxInterop.EpollHup)) != 0;
        if ((flags & (LinuxInterop.EpollIn | LinuxInterop.EpollRdHup)) != 0 || failed)
        {
            // After the peer's FIN (RDHUP) no further edge is due: read on until recv reports it.
            Readable.Signal(sticky: failed || (flags & LinuxInterop.EpollRdHup) != 0);
        }

        if ((flags & LinuxInterop.EpollOut) != 0 || failed)
        {
            Writable.Signal(sticky: failed);
        }
    }
}
