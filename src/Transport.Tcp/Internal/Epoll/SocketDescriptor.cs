using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PipeNet.Transport.Tcp.Internal.Epoll;

/// <summary>
/// A socket descriptor the epoll engine owns. Releasing it is a plain <c>close</c>, which honours SO_LINGER
/// (FIN normally, RST after <see cref="LinuxInterop.SetResetOnClose"/>); .NET's <c>SafeSocketHandle</c>
/// resets a socket that is released without its <c>Socket</c> object.
/// </summary>
internal sealed partial class SocketDescriptor : SafeHandleMinusOneIsInvalid
{
    public SocketDescriptor(int descriptor)
        : base(ownsHandle: true) => SetHandle(descriptor);

    protected override bool ReleaseHandle() => close((int)handle) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int descriptor);
}
