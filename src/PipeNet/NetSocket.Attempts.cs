using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using PipeNet.Resolver;
using PipeNet.Transport.Tcp;

namespace PipeNet;

public sealed partial class NetSocket
{
    private static readonly Type[] s_attemptShapes = [typeof(Action<ConnectionAttempt>), typeof(Action)];

    private static readonly EventSlot s_connectionAttempt = DefineEvent("connectionAttempt", "Action<ConnectionAttempt> or Action", s_attemptShapes);
    private static readonly EventSlot s_connectionAttemptFailed = DefineEvent("connectionAttemptFailed", "Action<ConnectionAttempt> or Action", s_attemptShapes);
    private static readonly EventSlot s_connectionAttemptTimeout = DefineEvent("connectionAttemptTimeout", "Action<ConnectionAttempt> or Action", s_attemptShapes);

    /// <summary>Registers a <c>connectionAttempt</c> handler (Node's): a connect to one of the host's addresses starts.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnConnectionAttempt(Action<ConnectionAttempt> handler) => On("connectionAttempt", handler);

    /// <summary>Registers a <c>connectionAttemptFailed</c> handler (Node's): one address refused or could not be reached; <see cref="ConnectionAttempt.Error"/> says why.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnConnectionAttemptFailed(Action<ConnectionAttempt> handler) => On("connectionAttemptFailed", handler);

    /// <summary>
    /// Registers a <c>connectionAttemptTimeout</c> handler (Node's): an attempt ran for
    /// <see cref="SocketOptions.AutoSelectFamilyAttemptTimeout"/> without an outcome, so the next address is tried beside
    /// it (as RFC 8305 says; Node abandons the slow attempt instead).
    /// </summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public NetSocket OnConnectionAttemptTimeout(Action<ConnectionAttempt> handler) => On("connectionAttemptTimeout", handler);

    /// <summary>Connects to one of <paramref name="addresses"/>: a Happy Eyeballs race, or one after another when that is off.</summary>
    private async Task<ConnectionContext> ConnectToAnyAsync(TcpConnector connector, IPAddress[] addresses, TcpConnectOptions template)
    {
        var observer = new AttemptObserver(this, _options.Port);
        if (_options.AutoSelectFamily && addresses.Length > 1)
        {
            var racer = new HappyEyeballsConnector(new HappyEyeballsOptions { AttemptDelay = _options.AutoSelectFamilyAttemptTimeout });
            return await racer.ConnectAsync(
                addresses,
                (address, token) => connector.ConnectAsync(new IPEndPoint(address, _options.Port), OptionsFor(address, template), token),
                observer).ConfigureAwait(false);
        }

        NetException? lastError = null;
        foreach (IPAddress address in addresses)
        {
            observer.OnAttempt(address);
            try
            {
                return await connector.ConnectAsync(new IPEndPoint(address, _options.Port), OptionsFor(address, template)).ConfigureAwait(false);
            }
            catch (NetException ex)
            {
                observer.OnAttemptFailed(address, ex);
                lastError = ex;
            }
        }

        throw lastError!;
    }

    /// <summary>The connect options for one address: a bound local address follows the family of the address tried.</summary>
    private static TcpConnectOptions OptionsFor(IPAddress address, TcpConnectOptions template)
    {
        IPEndPoint? local = template.LocalEndPoint;
        if (local is not null && local.AddressFamily != address.AddressFamily)
        {
            local = new IPEndPoint(address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, local.Port);
        }

        return new TcpConnectOptions
        {
            LocalEndPoint = local,
            ConnectTimeout = template.ConnectTimeout,
            NoDelay = template.NoDelay,
            KeepAlive = template.KeepAlive,
        };
    }

    private static int FamilyOf(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? 6 : 4;

    /// <summary>Raises the attempt events; the Happy Eyeballs loop calls it one event at a time.</summary>
    private sealed class AttemptObserver(NetSocket socket, int port) : IConnectionAttemptObserver
    {
        public void OnAttempt(IPAddress address) =>
            socket.Emit(s_connectionAttempt, new ConnectionAttempt(address, port, FamilyOf(address)));

        public void OnAttemptFailed(IPAddress address, Exception error) =>
            socket.Emit(s_connectionAttemptFailed, new ConnectionAttempt(address, port, FamilyOf(address), Translate(error)));

        public void OnAttemptTimeout(IPAddress address) =>
            socket.Emit(s_connectionAttemptTimeout, new ConnectionAttempt(address, port, FamilyOf(address)));
    }
}
