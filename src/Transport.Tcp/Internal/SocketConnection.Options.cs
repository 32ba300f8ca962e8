using System.Net.Sockets;

namespace PipeNet.Transport.Tcp.Internal;

internal sealed partial class SocketConnection
{
    private bool IsTcp => _socket.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;

    public bool NoDelay
    {
        get => IsTcp && _socket.NoDelay;
        set
        {
            if (IsTcp)
            {
                _socket.NoDelay = value;
            }
        }
    }

    public KeepAliveSettings GetKeepAlive() => IsTcp ? SocketKeepAlive.Get(_socket) : KeepAliveSettings.Disabled;

    public void SetKeepAlive(KeepAliveSettings settings)
    {
        settings.Validate(nameof(settings));
        if (IsTcp)
        {
            SocketKeepAlive.Set(_socket, settings);
        }
    }
}
