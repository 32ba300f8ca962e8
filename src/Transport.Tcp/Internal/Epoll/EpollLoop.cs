using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PipeNet.Transport.Tcp.Internal.Epoll;

/// <summary>
/// One epoll instance and the thread that waits on it. Every registered socket is watched edge-triggered for
/// both directions, once, for its whole life (no <c>epoll_ctl</c> per operation); each edge resumes the
/// socket's waiting pump inline on this thread, so a message is received, handled and answered here with no
/// thread hop.
/// </summary>
/// <remarks>
/// The kernel hands back a 64-bit token per event: a slot index and a generation. A socket closed while its
/// event sits in a batch already returned frees its slot, and a socket that takes the slot later gets a new
/// generation, so a stale event is dropped instead of reaching the wrong connection.
/// </remarks>
internal sealed unsafe class EpollLoop
{
    private const int MaxEvents = 256;

    private readonly int _epoll;
    private readonly Lock _slotsLock = new();
    private readonly Stack<int> _freeSlots = new();
    private IEpollHandler?[] _slots = new IEpollHandler?[64];
    private int _usedSlots;
    private uint _generation;

    private EpollLoop(int epoll, string name)
    {
        _epoll = epoll;
        var thread = new Thread(Run) { IsBackground = true, Name = name };
        thread.UnsafeStart();
    }

    /// <summary>Creates a loop and starts its thread, which lives as long as the process.</summary>
    /// <exception cref="SocketException">The kernel refused an epoll instance (EMFILE, ENOMEM).</exception>
    public static EpollLoop Start(string name)
    {
        int epoll = LinuxInterop.EpollCreate(LinuxInterop.EpollCloexec);
        if (epoll < 0)
        {
            throw new SocketException((int)LinuxInterop.ToSocketError(Marshal.GetLastPInvokeError()));
        }

        return new EpollLoop(epoll, name);
    }

    /// <summary>Watches <paramref name="handle"/> for <paramref name="socket"/> until the descriptor is closed.</summary>
    /// <returns><see cref="SocketError.Success"/>, or why the kernel refused (ENOSPC: the watch limit).</returns>
    public SocketError Register(IEpollHandler socket, SafeHandle handle)
    {
        ulong token;
        lock (_slotsLock)
        {
            if (!_freeSlots.TryPop(out int index))
            {
                index = _usedSlots++;
                if (index == _slots.Length)
                {
                    IEpollHandler?[] grown = new IEpollHandler?[_slots.Length * 2];
                    _slots.CopyTo(grown, 0);
                    Volatile.Write(ref _slots, grown);
                }
            }

            token = ((ulong)++_generation << 32) | (uint)index;
            socket.Token = token;
            _slots[index] = socket;
        }

        byte* ev = stackalloc byte[16];
        LinuxInterop.WriteEpollEvent(ev, LinuxInterop.EpollIn | LinuxInterop.EpollOut | LinuxInterop.EpollRdHup | LinuxInterop.EpollEt, token);
        if (LinuxInterop.EpollControl(_epoll, LinuxInterop.EpollCtlAdd, handle, ev) == 0)
        {
            return SocketError.Success;
        }

        SocketError error = LinuxInterop.ToSocketError(Marshal.GetLastPInvokeError());
        Unregister(socket);
        return error;
    }

    /// <summary>
    /// Hands a registered descriptor's events to <paramref name="to"/> from now on, in the same slot (a connect's
    /// registration becomes its connection's). Edges <paramref name="from"/> saw are not replayed: the new handler
    /// must start out trying its syscalls.
    /// </summary>
    public void Transfer(IEpollHandler from, IEpollHandler to)
    {
        lock (_slotsLock)
        {
            int index = (int)(uint)from.Token;
            if (ReferenceEquals(_slots[index], from))
            {
                to.Token = from.Token;
                _slots[index] = to;
            }
        }
    }

    /// <summary>Frees the socket's slot once its descriptor is closed; events still in flight for it are dropped.</summary>
    public void Unregister(IEpollHandler socket)
    {
        lock (_slotsLock)
        {
            int index = (int)(uint)socket.Token;
            if (ReferenceEquals(_slots[index], socket))
            {
                _slots[index] = null;
                _freeSlots.Push(index);
            }
        }
    }

    private void Run()
    {
        int size = LinuxInterop.EpollEventSize;
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * size));
        while (true)
        {
            int count = LinuxInterop.EpollWait(_epoll, events, MaxEvents, -1);
            for (int i = 0; i < count; i++)
            {
                (uint flags, ulong token) = LinuxInterop.ReadEpollEvent(events + (i * size));
                IEpollHandler?[] slots = Volatile.Read(ref _slots);
                int index = (int)(uint)token;
                if (index < slots.Length && slots[index] is { } socket && socket.Token == token)
                {
                    socket.OnEvents(flags);
                }
            }

            // count < 0 is EINTR (a signal landed on this thread): wait again.
        }
    }
}
