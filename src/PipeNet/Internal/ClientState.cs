using System.Buffers;
using System.Net;

namespace PipeNet.Internal;

/// <summary>
/// What only a socket that connects on its own needs: the addresses its host resolved to, the idle monitor it joined
/// (no dispatcher gave it a clock), and what was written before it connected. Accepted sockets never create one,
/// which keeps three fields off every server connection.
/// </summary>
internal sealed class ClientState
{
    public IReadOnlyList<IPAddress> HostAddresses { get; set; } = [];

    public ConnectionIdleMonitor? OwnedMonitor { get; set; }

    public ArrayBufferWriter<byte>? BufferedBeforeConnect { get; set; }
}
