using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PipeNet.Transport.Tcp.Internal.Epoll;

/// <summary>The libc calls and constants the epoll engine uses (Linux, 64-bit).</summary>
internal static unsafe partial class LinuxInterop
{
    public const int EpollCloexec = 0x80000;
    public const int EpollCtlAdd = 1;

    public const uint EpollIn = 0x001;
    public const uint EpollOut = 0x004;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;
    public const uint EpollRdHup = 0x2000;
    public const uint EpollEt = 1u << 31;

    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000;

    /// <summary>The most segments one gathered send takes (16 KiB blocks: 1 MiB); the send loop sends the rest next.</summary>
    private const int MaxVectors = 64;

    public const int SolSocket = 1;
    public const int SoKeepAlive = 9;
    public const int IpProtoTcp = 6;
    public const int TcpNoDelay = 1;
    public const int TcpKeepIdle = 4;
    public const int TcpKeepInterval = 5;
    public const int TcpKeepCount = 6;

    private const int SoLinger = 13;
    private const int SoError = 4;
    private const int SockStream = 1;
    private const int EINPROGRESS = 115;
    private const int ShutWr = 1;
    private const int SockNonBlock = 0x800;
    private const int ONonBlock = 0x800;
    private const int FGetFl = 3;
    private const int FSetFl = 4;
    private const int SockCloexec = 0x80000;

    private const int EINTR = 4;
    private const int EAGAIN = 11;

    /// <summary>Whether this process can run the epoll engine: Linux, 64-bit (the layout of <c>epoll_event</c> is known).</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>Bytes per <c>epoll_event</c>: x86-64 packs it (12), every other 64-bit ABI aligns the data field (16).</summary>
    public static int EpollEventSize { get; } = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static int EpollDataOffset => EpollEventSize - sizeof(ulong);

    public static void WriteEpollEvent(byte* slot, uint events, ulong data)
    {
        Unsafe.WriteUnaligned(slot, events);
        Unsafe.WriteUnaligned(slot + EpollDataOffset, data);
    }

    public static (uint Events, ulong Data) ReadEpollEvent(byte* slot) =>
        (Unsafe.ReadUnaligned<uint>(slot), Unsafe.ReadUnaligned<ulong>(slot + EpollDataOffset));

    /// <summary>One non-blocking <c>recv</c>: bytes received (0 at FIN), or the error (<see cref="SocketError.WouldBlock"/> when nothing is waiting).</summary>
    public static SocketError Receive(SafeHandle socket, Span<byte> buffer, out int bytes)
    {
        fixed (byte* p = buffer)
        {
            SocketError status;
            while (Interrupted(recv(socket, p, (nuint)buffer.Length, MsgDontWait), out bytes, out status))
            {
            }

            return status;
        }
    }

    /// <summary>One non-blocking send of a buffer.</summary>
    private static SocketError Send(SafeHandle socket, ReadOnlySpan<byte> buffer, out int bytes)
    {
        fixed (byte* p = buffer)
        {
            SocketError status;
            while (Interrupted(send(socket, p, (nuint)buffer.Length, MsgDontWait | MsgNoSignal), out bytes, out status))
            {
            }

            return status;
        }
    }

    /// <summary>
    /// One non-blocking send of a whole sequence: a single segment with <c>send</c>, several (up to
    /// <see cref="MaxVectors"/>) gathered into one <c>sendmsg</c>, never copied.
    /// </summary>
    public static SocketError Send(SafeHandle socket, in ReadOnlySequence<byte> buffers, out int bytes)
    {
        if (buffers.IsSingleSegment)
        {
            return Send(socket, buffers.FirstSpan, out bytes);
        }

        IOVector* vectors = stackalloc IOVector[MaxVectors];
        ReadOnlySequence<byte>.Enumerator segments = buffers.GetEnumerator();
        return SendGathered(socket, ref segments, vectors, 0, out bytes);
    }

    // Pipe memory may come from the array pool (writes larger than a block), so every segment is pinned for
    // the call. One fixed statement per segment, nested by recursion, pins them all without a GCHandle each.
    private static SocketError SendGathered(SafeHandle socket, ref ReadOnlySequence<byte>.Enumerator segments, IOVector* vectors, int count, out int bytes)
    {
        if (count == MaxVectors || !segments.MoveNext())
        {
            return SendMessage(socket, vectors, count, out bytes);
        }

        ReadOnlySpan<byte> segment = segments.Current.Span;
        if (segment.IsEmpty)
        {
            return SendGathered(socket, ref segments, vectors, count, out bytes);
        }

        fixed (byte* p = segment)
        {
            vectors[count] = new IOVector { Base = p, Length = (nuint)segment.Length };
            return SendGathered(socket, ref segments, vectors, count + 1, out bytes);
        }
    }

    private static SocketError SendMessage(SafeHandle socket, IOVector* vectors, int count, out int bytes)
    {
        MessageHeader header = default;
        header.Iov = vectors;
        header.IovLength = (nuint)count;
        SocketError status;
        while (Interrupted(sendmsg(socket, &header, MsgDontWait | MsgNoSignal), out bytes, out status))
        {
        }

        return status;
    }

    /// <summary>A syscall's outcome: the count it returned, or the error; <c>true</c> when a signal interrupted it (EINTR: call again).</summary>
    private static bool Interrupted(nint result, out int count, out SocketError status)
    {
        if (result >= 0)
        {
            count = (int)result;
            status = SocketError.Success;
            return false;
        }

        int errno = Marshal.GetLastPInvokeError();
        count = 0;
        status = ToSocketError(errno);
        return errno == EINTR;
    }

    /// <summary>One non-blocking <c>accept4</c>: the new descriptor (non-blocking, close-on-exec) and the peer's address.</summary>
    public static SocketError Accept(SafeHandle listener, Span<byte> address, out int descriptor, out int addressLength)
    {
        fixed (byte* p = address)
        {
            uint length;
            SocketError status;
            do
            {
                length = (uint)address.Length;
            }
            while (Interrupted(accept4(listener, p, &length, SockNonBlock | SockCloexec), out descriptor, out status));

            addressLength = status == SocketError.Success ? (int)Math.Min(length, (uint)address.Length) : 0;
            return status;
        }
    }

    /// <summary>A new non-blocking, close-on-exec stream socket.</summary>
    public static SocketError CreateStreamSocket(AddressFamily addressFamily, out SocketDescriptor? descriptor)
    {
        (int domain, int protocol) = addressFamily switch
        {
            AddressFamily.InterNetwork => (2, IpProtoTcp),
            AddressFamily.InterNetworkV6 => (10, IpProtoTcp),
            AddressFamily.Unix => (1, 0),
            _ => throw new ArgumentOutOfRangeException(nameof(addressFamily), addressFamily, "Only IPv4, IPv6 and Unix stream sockets."),
        };
        int fd = socket(domain, SockStream | SockNonBlock | SockCloexec, protocol);
        descriptor = fd >= 0 ? new SocketDescriptor(fd) : null;
        return fd >= 0 ? SocketError.Success : ToSocketError(Marshal.GetLastPInvokeError());
    }

    /// <summary><c>bind</c> to a serialized address.</summary>
    public static SocketError Bind(SafeHandle socket, SocketAddress address)
    {
        fixed (byte* p = address.Buffer.Span)
        {
            return bind(socket, p, (uint)address.Size) == 0 ? SocketError.Success : ToSocketError(Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>A non-blocking <c>connect</c>: <see cref="SocketError.Success"/>, <see cref="SocketError.InProgress"/> (wait for writability), or the error.</summary>
    public static SocketError Connect(SafeHandle socket, SocketAddress address)
    {
        fixed (byte* p = address.Buffer.Span)
        {
            while (true)
            {
                if (connect(socket, p, (uint)address.Size) == 0)
                {
                    return SocketError.Success;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR)
                {
                    return errno == EINPROGRESS ? SocketError.InProgress : ToSocketError(errno);
                }
            }
        }
    }

    /// <summary>Whether the socket has a peer (<c>getpeername</c> succeeds).</summary>
    public static bool GetPeerName(SafeHandle socket)
    {
        byte* address = stackalloc byte[128];
        uint length = 128;
        return getpeername(socket, address, &length) == 0;
    }

    /// <summary>SO_ERROR: how a non-blocking connect ended.</summary>
    public static SocketError GetPendingError(SafeHandle socket)
    {
        SocketError status = GetOption(socket, SolSocket, SoError, out int errno);
        return status != SocketError.Success ? status : errno == 0 ? SocketError.Success : ToSocketError(errno);
    }

    /// <summary>Sets O_NONBLOCK on a descriptor .NET created in blocking mode (a listener whose accepts we make ourselves).</summary>
    public static SocketError SetNonBlocking(SafeHandle socket)
    {
        int flags = fcntl(socket, FGetFl, 0);
        if (flags < 0 || fcntl(socket, FSetFl, flags | ONonBlock) < 0)
        {
            return ToSocketError(Marshal.GetLastPInvokeError());
        }

        return SocketError.Success;
    }

    /// <summary>The socket's local end (<c>getsockname</c>), as an end point of <paramref name="template"/>'s kind.</summary>
    public static EndPoint? GetLocalEndPoint(SafeHandle socket, AddressFamily addressFamily, EndPoint template)
    {
        byte* address = stackalloc byte[128];
        uint length = 128;
        return getsockname(socket, address, &length) == 0
            ? ToEndPoint(new ReadOnlySpan<byte>(address, (int)Math.Min(length, 128u)), addressFamily, template)
            : null;
    }

    /// <summary>
    /// An IPv4 <c>sockaddr_in</c> packed into one number (a marker bit, the port, the address in network order), so a
    /// connection can keep its peer's address without an <see cref="IPEndPoint"/> and <see cref="IPAddress"/> (72 bytes)
    /// until someone asks for it; 0 for any other family.
    /// </summary>
    public static long PackIPv4(ReadOnlySpan<byte> native)
    {
        const int AfInet = 2;
        if (native.Length < 8 || BitConverter.ToUInt16(native) != AfInet)
        {
            return 0;
        }

        int port = (native[2] << 8) | native[3];
        return (1L << 48) | ((long)port << 32) | BitConverter.ToUInt32(native[4..]);
    }

    /// <summary>The end point <see cref="PackIPv4"/> packed.</summary>
    public static IPEndPoint UnpackIPv4(long packed) => new(new IPAddress((uint)packed), (int)(packed >> 32) & 0xFFFF);

    /// <summary>
    /// A native <c>sockaddr</c> as an end point of <paramref name="template"/>'s kind (<c>EndPoint.Create</c>);
    /// <c>null</c> for one too short to hold an address, or an unnamed Unix socket.
    /// </summary>
    public static EndPoint? ToEndPoint(ReadOnlySpan<byte> native, AddressFamily addressFamily, EndPoint template)
    {
        if (native.Length < 2)
        {
            return null;
        }

        var address = new SocketAddress(addressFamily, native.Length);
        native.CopyTo(address.Buffer.Span);
        try
        {
            return template.Create(address);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary><c>setsockopt</c> with an <c>int</c> value.</summary>
    public static SocketError SetOption(SafeHandle socket, int level, int name, int value) =>
        setsockopt(socket, level, name, &value, sizeof(int)) == 0 ? SocketError.Success : ToSocketError(Marshal.GetLastPInvokeError());

    /// <summary><c>getsockopt</c> of an <c>int</c> value.</summary>
    public static SocketError GetOption(SafeHandle socket, int level, int name, out int value)
    {
        int result = 0;
        uint length = sizeof(int);
        int status = getsockopt(socket, level, name, &result, &length);
        value = result;
        return status == 0 ? SocketError.Success : ToSocketError(Marshal.GetLastPInvokeError());
    }

    /// <summary>SO_LINGER {on, 0}: the close that follows sends RST instead of FIN.</summary>
    public static SocketError SetResetOnClose(SafeHandle socket)
    {
        int* fields = stackalloc int[2] { 1, 0 }; // struct linger { l_onoff = 1; l_linger = 0; }
        return setsockopt(socket, SolSocket, SoLinger, fields, 2 * sizeof(int)) == 0 ? SocketError.Success : ToSocketError(Marshal.GetLastPInvokeError());
    }

    /// <summary><c>shutdown(SHUT_WR)</c>: FIN after what is queued.</summary>
    public static SocketError ShutdownSend(SafeHandle socket) =>
        shutdown(socket, ShutWr) == 0 ? SocketError.Success : ToSocketError(Marshal.GetLastPInvokeError());

    /// <summary>The <see cref="SocketError"/> .NET reports for a Linux errno on a connected stream socket.</summary>
    public static SocketError ToSocketError(int errno) => errno switch
    {
        EAGAIN => SocketError.WouldBlock,
        9 => SocketError.OperationAborted,       // EBADF: closed under us
        2 => SocketError.AddressNotAvailable,    // ENOENT: no such Unix socket path
        13 => SocketError.AccessDenied,          // EACCES
        22 => SocketError.InvalidArgument,       // EINVAL
        32 => SocketError.Shutdown,              // EPIPE
        97 => SocketError.AddressFamilyNotSupported, // EAFNOSUPPORT
        98 => SocketError.AddressAlreadyInUse,   // EADDRINUSE
        99 => SocketError.AddressNotAvailable,   // EADDRNOTAVAIL
        90 => SocketError.MessageSize,           // EMSGSIZE
        100 => SocketError.NetworkDown,          // ENETDOWN
        101 => SocketError.NetworkUnreachable,   // ENETUNREACH
        103 => SocketError.ConnectionAborted,    // ECONNABORTED
        104 => SocketError.ConnectionReset,      // ECONNRESET
        105 => SocketError.NoBufferSpaceAvailable, // ENOBUFS
        107 => SocketError.NotConnected,         // ENOTCONN
        110 => SocketError.TimedOut,             // ETIMEDOUT
        111 => SocketError.ConnectionRefused,    // ECONNREFUSED
        113 => SocketError.HostUnreachable,      // EHOSTUNREACH
        12 => SocketError.NoBufferSpaceAvailable, // ENOMEM
        28 => SocketError.NoBufferSpaceAvailable, // ENOSPC (epoll watch limit)
        24 or 23 => SocketError.TooManyOpenSockets, // EMFILE, ENFILE
        _ => SocketError.SocketError,
    };

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollControl(int epfd, int op, SafeHandle fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(SafeHandle socket, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(SafeHandle socket, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendmsg(SafeHandle socket, MessageHeader* message, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int accept4(SafeHandle socket, byte* address, uint* addressLength, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getpeername(SafeHandle socket, byte* address, uint* addressLength);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int bind(SafeHandle socket, byte* address, uint addressLength);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int connect(SafeHandle socket, byte* address, uint addressLength);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(SafeHandle descriptor, int command, int argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockname(SafeHandle socket, byte* address, uint* addressLength);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(SafeHandle socket, int level, int name, void* value, uint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockopt(SafeHandle socket, int level, int name, void* value, uint* length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shutdown(SafeHandle socket, int how);

    /// <summary><c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct IOVector
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary><c>struct msghdr</c> on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IOVector* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }
}
