using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

/// <summary>Whether this process may open raw sockets (root or CAP_NET_RAW), found out once by trying.</summary>
internal static class Privilege
{
    private static readonly Lazy<bool> s_canOpenRawSockets = new(() =>
    {
        try
        {
            RawSocket.Create(o => o.Protocol = RawProtocol.Icmp).Close();
            return true;
        }
        catch (NetException ex) when (ex.Code == NetErrorCode.NotPermitted)
        {
            return false;
        }
    });

    public static bool CanOpenRawSockets => s_canOpenRawSockets.Value;

    public const string NoRawSockets = "Raw sockets need root or CAP_NET_RAW, which this test run lacks (CI runs as root).";
}

/// <summary>A fact that needs raw sockets: skipped, saying why, when the process may not open them.</summary>
public sealed class RawFactAttribute : FactAttribute
{
    public RawFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Raw socket tests are written against Linux behaviour.";
        }
        else if (!Privilege.CanOpenRawSockets)
        {
            Skip = Privilege.NoRawSockets;
        }
    }
}

/// <summary>A theory that needs raw sockets.</summary>
public sealed class RawTheoryAttribute : TheoryAttribute
{
    public RawTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Raw socket tests are written against Linux behaviour.";
        }
        else if (!Privilege.CanOpenRawSockets)
        {
            Skip = Privilege.NoRawSockets;
        }
    }
}

/// <summary>A fact comparing with iputils ping: needs raw sockets and the ping binary, and says which is missing.</summary>
public sealed class IputilsFactAttribute : FactAttribute
{
    public IputilsFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !Privilege.CanOpenRawSockets)
        {
            Skip = Privilege.NoRawSockets;
        }
        else if (ChildProcess.FindOnPath("ping") is null)
        {
            Skip = "iputils ping is not installed: apt-get install iputils-ping (scripts/install-test-deps.sh should install it for CI).";
        }
    }
}

/// <summary>A theory comparing with iputils ping.</summary>
public sealed class IputilsTheoryAttribute : TheoryAttribute
{
    public IputilsTheoryAttribute()
    {
        Skip = new IputilsFactAttribute().Skip;
    }
}

/// <summary>
/// A fact that drops privileges in a child process with setpriv: as root it needs setpriv (util-linux); as an
/// ordinary user the test checks the unprivileged path in-process, unless the process holds CAP_NET_RAW anyway.
/// </summary>
public sealed class PrivilegeDropFactAttribute : FactAttribute
{
    public PrivilegeDropFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "The EPERM path is checked on Linux.";
        }
        else if (Environment.IsPrivilegedProcess && ChildProcess.FindOnPath("setpriv") is null)
        {
            Skip = "Running as root without setpriv (util-linux) to drop privileges for the child process, so the EPERM path cannot be reached.";
        }
        else if (!Environment.IsPrivilegedProcess && Privilege.CanOpenRawSockets)
        {
            Skip = "This unprivileged process holds CAP_NET_RAW, and dropping it needs setpriv run as root.";
        }
    }
}
