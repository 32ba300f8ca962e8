using System.Net;

namespace PipeNet;

/// <summary>What <see cref="NetServer.Listen(ListenOptions, Action?)"/> binds (rampart's and Node's listen options).</summary>
public sealed class ListenOptions
{
    private int _port;
    private int _family;
    private int? _backlog;

    /// <summary>The port; 0 picks a free one.</summary>
    /// <remarks>Defaults to 0.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..65535.</exception>
    public int Port
    {
        get => _port;
        set => _port = value is >= 0 and <= IPEndPoint.MaxPort ? value : throw new ArgumentOutOfRangeException(nameof(Port), value, "Port must be between 0 and 65535.");
    }

    /// <summary>One host or IP address to bind; <c>null</c> (or <c>any</c>) binds every address of <see cref="Family"/>.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public string? Host { get; set; }

    /// <summary>Several hosts to bind at once; used when not empty, instead of <see cref="Host"/>.</summary>
    /// <remarks>Defaults to empty.</remarks>
    public IReadOnlyList<string> Hosts { get; set; } = [];

    /// <summary>A Unix domain socket path to listen on instead of a port.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public string? Path { get; set; }

    /// <summary>The listen backlog; <c>null</c> keeps <see cref="ServerOptions.Backlog"/> (511).</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative.</exception>
    public int? Backlog
    {
        get => _backlog;
        set => _backlog = value is null or > 0 ? value : throw new ArgumentOutOfRangeException(nameof(Backlog), value, "Backlog must be positive.");
    }

    /// <summary>The connection limit, as <see cref="NetServer.SetMaxConnections"/>; <c>null</c> leaves it.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public long? MaxConnections { get; set; }

    /// <summary>
    /// 0 (any), 4 or 6. With no host, 0 binds one dual-stack socket, 4 every IPv4 address, 6 every IPv6
    /// address; with a host name, only its addresses of that family are bound.
    /// </summary>
    /// <remarks>Defaults to 0.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Not 0, 4 or 6.</exception>
    public int Family
    {
        get => _family;
        set => _family = value is 0 or 4 or 6 ? value : throw new ArgumentOutOfRangeException(nameof(Family), value, "Family must be 0, 4 or 6.");
    }
}
