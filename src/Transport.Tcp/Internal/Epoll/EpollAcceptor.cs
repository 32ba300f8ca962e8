using System.Net;
using System.Net.Sockets;

namespace PipeNet.Transport.Tcp.Internal.Epoll;

/// <summary>
/// Accepts on a listening socket with non-blocking <c>accept4</c>, waiting for readiness on an epoll loop:
/// an accepted connection is a bare descriptor, never a <see cref="Socket"/> object, and the accept
/// continues on the loop's thread with no hop through .NET's socket engine.
/// </summary>
internal sealed class EpollAcceptor
{
    private readonly SafeSocketHandle _handle;
    private readonly AddressFamily _addressFamily;
    private readonly EndPoint _template;
    private readonly EndPoint? _sharedLocalEndPoint;
    private readonly EpollSocket _registration;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // sockaddr_storage: room for any address family's sockaddr (Unix paths included).
    private readonly byte[] _address = new byte[128];

    /// <exception cref="SocketException">The loop refused to watch the socket.</exception>
    public EpollAcceptor(Socket listenSocket, EpollLoop loop)
    {
        _handle = listenSocket.SafeHandle;
        _addressFamily = listenSocket.AddressFamily;
        _template = listenSocket.LocalEndPoint ?? throw new InvalidOperationException("The listening socket is not bound.");

        // Every connection of a listener bound to one address (or a Unix path) has that local end; only a
        // wildcard listener asks the kernel per connection.
        bool wildcard = _template is IPEndPoint ip && (ip.Address.Equals(IPAddress.Any) || ip.Address.Equals(IPAddress.IPv6Any));
        _sharedLocalEndPoint = wildcard ? null : _template;
        SocketError nonBlocking = LinuxInterop.SetNonBlocking(_handle);
        if (nonBlocking != SocketError.Success)
        {
            throw new SocketException((int)nonBlocking);
        }

        _registration = new EpollSocket(loop, _handle);
        SocketError registered = _registration.Register();
        if (registered != SocketError.Success)
        {
            throw new SocketException((int)registered);
        }
    }

    /// <summary>
    /// The next connection: its descriptor and ends, or <c>null</c> once <see cref="Close"/> was called.
    /// Errors come back as the <see cref="SocketError"/> accept reported, for the listener to classify.
    /// </summary>
    public async ValueTask<AcceptedSocket?> AcceptAsync(CancellationToken cancellationToken)
    {
        // One accept at a time: the address buffer and the readiness signal are the listener's.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EpollSignal ready = _registration.Readable;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int seen = ready.Sequence;
                SocketError status = LinuxInterop.Accept(_handle, _address, out int descriptor, out int addressLength);
                if (status == SocketError.Success)
                {
                    var handle = new SocketDescriptor(descriptor);
                    ReadOnlySpan<byte> peer = _address.AsSpan(0, addressLength);
                    long packed = LinuxInterop.PackIPv4(peer);
                    return new AcceptedSocket(
                        handle,
                        _sharedLocalEndPoint ?? LinuxInterop.GetLocalEndPoint(handle, _addressFamily, _template),
                        packed != 0 ? null : LinuxInterop.ToEndPoint(peer, _addressFamily, _template),
                        packed);
                }

                if (status != SocketError.WouldBlock)
                {
                    throw new SocketException((int)status);
                }

                // Cancelling bumps the signal, which ends the wait; the loop above then throws.
                using CancellationTokenRegistration cancel = cancellationToken.CanBeCanceled
                    ? cancellationToken.UnsafeRegister(static state => ((EpollSignal)state!).Signal(sticky: false), ready)
                    : default;
                if (!await ready.WaitAsync(seen).ConfigureAwait(false))
                {
                    return null;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            return null; // Closed under us.
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends a pending and every later accept (they return <c>null</c>); the caller closes the socket.</summary>
    public void Close()
    {
        _registration.Close();
        _registration.Unregister();
    }
}

/// <summary>An accepted descriptor and its ends; an IPv4 peer comes packed (<see cref="LinuxInterop.PackIPv4"/>), not as an object.</summary>
internal readonly record struct AcceptedSocket(SocketDescriptor Handle, EndPoint? Local, EndPoint? Remote, long PackedRemote);
