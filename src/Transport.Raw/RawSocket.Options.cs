using System.Net.Sockets;
using System.Runtime.InteropServices;
using PipeNet.Transport.Raw.Internal;

namespace PipeNet.Transport.Raw;

// Socket options: the seed's getOption/setOption in their buffer and integer forms, plus the platform's own
// numbers for anything else. Every kernel refusal becomes a NetException naming the option.
public sealed partial class RawSocket
{
    /// <summary>
    /// Reads a socket option into <paramref name="buffer"/> (the seed's <c>getOption</c>), as the platform's
    /// <c>getsockopt</c> writes it: integers in the machine's byte order.
    /// </summary>
    /// <param name="level">The option's level.</param>
    /// <param name="option">The option; it must belong to <paramref name="level"/>.</param>
    /// <param name="buffer">Receives the value; 4 bytes hold any integer option.</param>
    /// <returns>How many bytes were written, which can be fewer than <paramref name="buffer"/> holds.</returns>
    /// <exception cref="ArgumentException"><paramref name="option"/> belongs to another level.</exception>
    /// <exception cref="NetException">The kernel refused, for example <c>EINVAL</c>.</exception>
    /// <exception cref="PlatformNotSupportedException">The platform has no such option.</exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public int GetOption(RawSocketLevel level, RawSocketOption option, Span<byte> buffer)
    {
        (int nativeLevel, int nativeName) = NativeSocketOptions.Resolve(level, option);
        return Get(nativeLevel, nativeName, buffer, $"{level} {option}");
    }

    /// <summary>
    /// Reads an integer socket option. <see cref="RawSocketOption.SO_RCVTIMEO"/> and
    /// <see cref="RawSocketOption.SO_SNDTIMEO"/> come back in milliseconds (0: no timeout).
    /// </summary>
    /// <param name="level">The option's level.</param>
    /// <param name="option">The option; it must belong to <paramref name="level"/>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException"><paramref name="option"/> belongs to another level, or has no integer form (<c>SO_BINDTODEVICE</c>, <c>IP_OPTIONS</c>).</exception>
    /// <exception cref="NetException">The kernel refused.</exception>
    /// <exception cref="PlatformNotSupportedException">The platform has no such option.</exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public int GetOption(RawSocketLevel level, RawSocketOption option)
    {
        (int nativeLevel, int nativeName) = NativeSocketOptions.Resolve(level, option);
        RejectBufferOnly(option);
        string name = $"{level} {option}";
        if (NativeSocketOptions.IsTimeout(option) && !OperatingSystem.IsWindows())
        {
            Span<byte> timeval = stackalloc byte[2 * IntPtr.Size];
            timeval.Clear();
            Get(nativeLevel, nativeName, timeval, name);
            long seconds = IntPtr.Size == 8 ? MemoryMarshal.Read<long>(timeval) : MemoryMarshal.Read<int>(timeval);
            int microseconds = MemoryMarshal.Read<int>(timeval[IntPtr.Size..]);
            return checked((int)((seconds * 1000) + (microseconds / 1000)));
        }

        Span<byte> value = stackalloc byte[sizeof(int)];
        value.Clear();
        int length = Get(nativeLevel, nativeName, value, name);
        return length switch
        {
            1 => value[0],
            2 => MemoryMarshal.Read<short>(value),
            _ => MemoryMarshal.Read<int>(value),
        };
    }

    /// <summary>Sets a socket option from its bytes (the seed's <c>setOption(level, option, buffer, length)</c>): integers in the machine's byte order.</summary>
    /// <param name="level">The option's level.</param>
    /// <param name="option">The option; it must belong to <paramref name="level"/>.</param>
    /// <param name="value">The value's bytes, for example an interface name for <see cref="RawSocketOption.SO_BINDTODEVICE"/>.</param>
    /// <returns>This socket.</returns>
    /// <exception cref="ArgumentException"><paramref name="option"/> belongs to another level.</exception>
    /// <exception cref="NetException">The kernel refused, for example <c>EINVAL</c> or <c>EPERM</c>.</exception>
    /// <exception cref="PlatformNotSupportedException">The platform has no such option.</exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public RawSocket SetOption(RawSocketLevel level, RawSocketOption option, ReadOnlySpan<byte> value)
    {
        (int nativeLevel, int nativeName) = NativeSocketOptions.Resolve(level, option);
        Set(nativeLevel, nativeName, value, $"{level} {option}");
        return this;
    }

    /// <summary>
    /// Sets an integer socket option (the seed's three-argument <c>setOption</c>), with no byte-order concerns.
    /// <see cref="RawSocketOption.SO_RCVTIMEO"/> and <see cref="RawSocketOption.SO_SNDTIMEO"/> take milliseconds;
    /// <see cref="RawSocketOption.IP_TTL"/> and <see cref="RawSocketOption.IPV6_UNICAST_HOPS"/> take -1 for the system default.
    /// </summary>
    /// <param name="level">The option's level.</param>
    /// <param name="option">The option; it must belong to <paramref name="level"/>.</param>
    /// <param name="value">The value.</param>
    /// <returns>This socket.</returns>
    /// <exception cref="ArgumentException"><paramref name="option"/> belongs to another level, or has no integer form (<c>SO_BINDTODEVICE</c>, <c>IP_OPTIONS</c>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative timeout.</exception>
    /// <exception cref="NetException">The kernel refused, for example <c>EINVAL</c> for a TTL over 255.</exception>
    /// <exception cref="PlatformNotSupportedException">The platform has no such option.</exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public RawSocket SetOption(RawSocketLevel level, RawSocketOption option, int value)
    {
        (int nativeLevel, int nativeName) = NativeSocketOptions.Resolve(level, option);
        RejectBufferOnly(option);
        string name = $"{level} {option}";
        if (NativeSocketOptions.IsTimeout(option) && !OperatingSystem.IsWindows())
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Span<byte> timeval = stackalloc byte[2 * IntPtr.Size];
            if (IntPtr.Size == 8)
            {
                MemoryMarshal.Write(timeval, (long)(value / 1000));
                MemoryMarshal.Write(timeval[8..], (long)(value % 1000 * 1000));
            }
            else
            {
                MemoryMarshal.Write(timeval, value / 1000);
                MemoryMarshal.Write(timeval[4..], value % 1000 * 1000);
            }

            Set(nativeLevel, nativeName, timeval, name);
            return this;
        }

        Span<byte> bytes = stackalloc byte[sizeof(int)];
        MemoryMarshal.Write(bytes, value);
        Set(nativeLevel, nativeName, bytes, name);
        return this;
    }

    /// <summary>Reads an option by the platform's own numbers, for options <see cref="RawSocketOption"/> does not name.</summary>
    /// <param name="level">The platform's level number, for example 0 for <c>IPPROTO_IP</c> on Linux.</param>
    /// <param name="name">The platform's option number.</param>
    /// <param name="buffer">Receives the value.</param>
    /// <returns>How many bytes were written.</returns>
    /// <exception cref="NetException">The kernel refused.</exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public int GetRawOption(int level, int name, Span<byte> buffer) => Get(level, name, buffer, $"level {level} option {name}");

    /// <summary>Sets an option by the platform's own numbers, for options <see cref="RawSocketOption"/> does not name.</summary>
    /// <param name="level">The platform's level number.</param>
    /// <param name="name">The platform's option number.</param>
    /// <param name="value">The value's bytes.</param>
    /// <returns>This socket.</returns>
    /// <exception cref="NetException">The kernel refused.</exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public RawSocket SetRawOption(int level, int name, ReadOnlySpan<byte> value)
    {
        Set(level, name, value, $"level {level} option {name}");
        return this;
    }

    private static void RejectBufferOnly(RawSocketOption option)
    {
        if (NativeSocketOptions.IsBufferOnly(option))
        {
            throw new ArgumentException($"{option} has no integer form: use the overload with a buffer.", nameof(option));
        }
    }

    private int Get(int level, int name, Span<byte> buffer, string option)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        try
        {
            return _socket.GetRawSocketOption(level, name, buffer);
        }
        catch (SocketException ex)
        {
            throw NetException.FromSocketException(ex, $"{_description}: getsockopt {option}");
        }
    }

    private void Set(int level, int name, ReadOnlySpan<byte> value, string option)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        try
        {
            _socket.SetRawSocketOption(level, name, value);
        }
        catch (SocketException ex)
        {
            throw NetException.FromSocketException(ex, $"{_description}: setsockopt {option}");
        }
    }
}
