using System.Net.Sockets;
using PipeNet.Transport.Tcp.Internal.Epoll;

namespace PipeNet.Transport.Tcp.Internal;

internal abstract partial class SocketConnection
{
    private bool IsTcp => _addressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;

    // What TCP_NODELAY was last set to through this connection: the transport sets it at accept, and a
    // dispatcher or socket that sets the same value again costs no syscall.
    private bool? _noDelay;

    public bool NoDelay
    {
        get => IsTcp && (_noDelay ??= _socket?.NoDelay ?? NativeSocketOptions.GetNoDelay(_handle!));
        set
        {
            if (!IsTcp || _noDelay == value)
            {
                return;
            }

            if (_socket is not null)
            {
                _socket.NoDelay = value;
            }
            else
            {
                NativeSocketOptions.SetNoDelay(_handle!, value);
            }

            _noDelay = value;
        }
    }

    public KeepAliveSettings GetKeepAlive()
    {
        if (!IsTcp)
        {
            return KeepAliveSettings.Disabled;
        }

        return _socket is not null ? SocketKeepAlive.Get(_socket) : NativeSocketOptions.GetKeepAlive(_handle!);
    }

    public void SetKeepAlive(KeepAliveSettings settings)
    {
        settings.Validate(nameof(settings));
        if (!IsTcp)
        {
            return;
        }

        if (_socket is not null)
        {
            SocketKeepAlive.Set(_socket, settings);
        }
        else
        {
            NativeSocketOptions.SetKeepAlive(_handle!, settings);
        }
    }
}
