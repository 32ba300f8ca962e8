using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PipeNet.Transport.Raw.Internal;

/// <summary>
/// Opens raw sockets on Linux through <c>socket(2)</c> itself. .NET's <see cref="Socket"/> constructor refuses,
/// without asking the kernel, any protocol number that <see cref="ProtocolType"/> does not name (SCTP's 132,
/// the experimental 253, …) and folds <c>EPERM</c> and <c>EACCES</c> together; the descriptor made here is then
/// adopted by a <see cref="Socket"/>, which accepts it whatever its protocol.
/// </summary>
internal static partial class LinuxRawSocket
{
    private const int AF_INET = 2;
    private const int AF_INET6 = 10;
    private const int SOCK_RAW = 3;
    private const int SOCK_CLOEXEC = 0x80000;

    private const int EPERM = 1;
    private const int ENOMEM = 12;
    private const int EACCES = 13;
    private const int EINVAL = 22;
    private const int ENFILE = 23;
    private const int EMFILE = 24;
    private const int EPROTONOSUPPORT = 93;
    private const int ESOCKTNOSUPPORT = 94;
    private const int EAFNOSUPPORT = 97;
    private const int ENOBUFS = 105;

    /// <summary>Opens a raw socket or returns the errno and PipeNet code of the failure.</summary>
    public static Socket? TryOpen(AddressFamily family, int protocol, out int errno, out string code)
    {
        int descriptor = Socket(family == AddressFamily.InterNetworkV6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (descriptor < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            code = errno switch
            {
                EPERM => NetErrorCode.NotPermitted,
                EACCES => NetErrorCode.AccessDenied,
                EPROTONOSUPPORT or ESOCKTNOSUPPORT => NetErrorCode.ProtocolNotSupported,
                EAFNOSUPPORT => NetErrorCode.AddressFamilyNotSupported,
                EMFILE => NetErrorCode.TooManyOpenFiles,
                ENFILE => NetErrorCode.FileTableOverflow,
                ENOBUFS or ENOMEM => NetErrorCode.NoBufferSpace,
                EINVAL => NetErrorCode.InvalidArgument,
                _ => NetErrorCode.SocketError,
            };
            return null;
        }

        errno = 0;
        code = "";
        return new Socket(new SafeSocketHandle(descriptor, ownsHandle: true));
    }

    /// <summary>Whether <paramref name="errno"/> is a refusal for want of privilege.</summary>
    public static bool IsPrivilegeError(int errno) => errno is EPERM or EACCES;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);
}
