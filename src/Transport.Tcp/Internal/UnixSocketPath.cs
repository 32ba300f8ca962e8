using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>File-system checks for Unix socket paths: is it a socket file, does anything accept on it.</summary>
internal static partial class UnixSocketPath
{
    private const uint FileTypeMask = 0xF000; // S_IFMT
    private const uint SocketType = 0xC000;   // S_IFSOCK

    /// <summary>The file-system path of <paramref name="endPoint"/>, or <c>null</c> for an abstract name.</summary>
    public static string? GetFilePath(UnixDomainSocketEndPoint endPoint)
    {
        string path = endPoint.ToString();
        return path.Length == 0 || path[0] is '@' or '\0' ? null : path;
    }

    /// <summary>Whether <paramref name="path"/> names a socket file (not a regular file, FIFO or directory).</summary>
    public static bool IsSocketFile(string path)
    {
        // .NET exposes no file type, so ask lstat. st_mode sits at offset 24 on x86_64 and 16 on the
        // generic layout arm64 uses; other platforms conservatively answer "not a socket".
        int modeOffset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 when OperatingSystem.IsLinux() => 24,
            Architecture.Arm64 when OperatingSystem.IsLinux() => 16,
            _ => -1,
        };
        if (modeOffset < 0)
        {
            return false;
        }

        Span<byte> stat = stackalloc byte[256];
        if (LStat(path, ref MemoryMarshal.GetReference(stat)) != 0)
        {
            return false;
        }

        uint mode = MemoryMarshal.Read<uint>(stat[modeOffset..]);
        return (mode & FileTypeMask) == SocketType;
    }

    /// <summary>Whether a server accepts connections on <paramref name="endPoint"/>.</summary>
    public static bool IsLive(UnixDomainSocketEndPoint endPoint)
    {
        using var probe = new Socket(AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(endPoint);
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LStat(string path, ref byte statBuffer);
}
