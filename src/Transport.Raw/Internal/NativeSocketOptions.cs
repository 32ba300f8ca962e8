namespace PipeNet.Transport.Raw.Internal;

/// <summary>
/// Translates <see cref="RawSocketLevel"/> and <see cref="RawSocketOption"/> to the platform's
/// <c>getsockopt</c>/<c>setsockopt</c> numbers (Linux, Windows, and the BSD values macOS uses).
/// </summary>
internal static class NativeSocketOptions
{
    /// <summary>The level an option belongs to.</summary>
    public static RawSocketLevel LevelOf(RawSocketOption option) => option switch
    {
        RawSocketOption.SO_RCVBUF or RawSocketOption.SO_RCVTIMEO or RawSocketOption.SO_SNDBUF
            or RawSocketOption.SO_SNDTIMEO or RawSocketOption.SO_BINDTODEVICE => RawSocketLevel.SOL_SOCKET,
        RawSocketOption.IP_HDRINCL or RawSocketOption.IP_OPTIONS or RawSocketOption.IP_TOS
            or RawSocketOption.IP_TTL => RawSocketLevel.IPPROTO_IP,
        RawSocketOption.IPV6_TTL or RawSocketOption.IPV6_UNICAST_HOPS or RawSocketOption.IPV6_V6ONLY
            or RawSocketOption.IPV6_HDRINCL => RawSocketLevel.IPPROTO_IPV6,
        _ => throw new ArgumentOutOfRangeException(nameof(option), option, "Not a RawSocketOption."),
    };

    public static bool IsTimeout(RawSocketOption option) => option is RawSocketOption.SO_RCVTIMEO or RawSocketOption.SO_SNDTIMEO;

    /// <summary>Whether the option's value is not an integer: an interface name or IP options.</summary>
    public static bool IsBufferOnly(RawSocketOption option) => option is RawSocketOption.SO_BINDTODEVICE or RawSocketOption.IP_OPTIONS;

    /// <summary>The platform's numbers for <paramref name="option"/> at <paramref name="level"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined level.</exception>
    /// <exception cref="ArgumentException">The option does not belong to the level.</exception>
    /// <exception cref="PlatformNotSupportedException">The platform has no such option.</exception>
    public static (int Level, int Name) Resolve(RawSocketLevel level, RawSocketOption option)
    {
        if (level is not (RawSocketLevel.SOL_SOCKET or RawSocketLevel.IPPROTO_IP or RawSocketLevel.IPPROTO_IPV6))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Not a RawSocketLevel.");
        }

        RawSocketLevel expected = LevelOf(option);
        if (level != expected)
        {
            throw new ArgumentException($"The option {option} belongs to level {expected}, not {level}.", nameof(option));
        }

        if (OperatingSystem.IsWindows())
        {
            return (WindowsLevel(level), WindowsName(option));
        }

        if (OperatingSystem.IsLinux() || OperatingSystem.IsAndroid())
        {
            return (LinuxLevel(level), LinuxName(option));
        }

        return (BsdLevel(level), BsdName(option));
    }

    private static int LinuxLevel(RawSocketLevel level) => level switch
    {
        RawSocketLevel.SOL_SOCKET => 1,
        RawSocketLevel.IPPROTO_IP => 0,
        _ => 41,
    };

    private static int LinuxName(RawSocketOption option) => option switch
    {
        RawSocketOption.SO_RCVBUF => 8,
        RawSocketOption.SO_SNDBUF => 7,
        RawSocketOption.SO_RCVTIMEO => 20,
        RawSocketOption.SO_SNDTIMEO => 21,
        RawSocketOption.SO_BINDTODEVICE => 25,
        RawSocketOption.IP_TOS => 1,
        RawSocketOption.IP_TTL => 2,
        RawSocketOption.IP_HDRINCL => 3,
        RawSocketOption.IP_OPTIONS => 4,
        RawSocketOption.IPV6_TTL or RawSocketOption.IPV6_UNICAST_HOPS => 16,
        RawSocketOption.IPV6_V6ONLY => 26,
        _ => 36, // IPV6_HDRINCL
    };

    private static int WindowsLevel(RawSocketLevel level) => level switch
    {
        RawSocketLevel.SOL_SOCKET => 0xFFFF,
        RawSocketLevel.IPPROTO_IP => 0,
        _ => 41,
    };

    private static int WindowsName(RawSocketOption option) => option switch
    {
        RawSocketOption.SO_RCVBUF => 0x1002,
        RawSocketOption.SO_SNDBUF => 0x1001,
        RawSocketOption.SO_RCVTIMEO => 0x1006,
        RawSocketOption.SO_SNDTIMEO => 0x1005,
        RawSocketOption.IP_OPTIONS => 1,
        RawSocketOption.IP_HDRINCL => 2,
        RawSocketOption.IP_TOS => 3,
        RawSocketOption.IP_TTL => 4,
        RawSocketOption.IPV6_HDRINCL => 2,
        RawSocketOption.IPV6_TTL or RawSocketOption.IPV6_UNICAST_HOPS => 4,
        RawSocketOption.IPV6_V6ONLY => 27,
        _ => throw new PlatformNotSupportedException($"{option} exists on Linux only."),
    };

    private static int BsdLevel(RawSocketLevel level) => WindowsLevel(level);

    private static int BsdName(RawSocketOption option) => option switch
    {
        RawSocketOption.IPV6_HDRINCL => throw new PlatformNotSupportedException($"{option} does not exist on this platform."),
        _ => WindowsName(option), // The BSD numbers of these options are Winsock's.
    };
}
