using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Win32.SafeHandles;

namespace PipeNet.Cli;

/// <summary>
/// Wraps a listener factory so that accepting never takes a Unix process's last file descriptors.
/// </summary>
/// <remarks>
/// <para>
/// The dispatcher backs off when accept fails with EMFILE, which keeps the accept loop from spinning; but at
/// that moment the process has no descriptor left, and the .NET runtime needs some of its own: it starts every
/// new thread through a pipe (two descriptors), so a thread-pool or tiered-compilation thread started then
/// fails and the runtime aborts with "Out of memory.". Measured here: an echo server run at its limit died in
/// about half the runs.
/// </para>
/// <para>
/// So before every accept the listener checks that <see cref="DefaultHeadroom"/> descriptors are free, by
/// opening and closing /dev/null that many times (a few microseconds, next to an accept and a connection set-up).
/// When they are not, accept reports EMFILE without taking one, and the dispatcher backs off exactly as for
/// the kernel's EMFILE; accepting resumes as soon as connections close. The process is then never left with
/// fewer than <see cref="DefaultHeadroom"/> - 1 descriptors by its own accepts.
/// </para>
/// <code>
///  AcceptAsync ──▶ N descriptors free? ──no──▶ throw EMFILE ──▶ dispatcher backs off (10 ms doubling to 1 s)
///                        │yes
///                        ▼
///                 inner.AcceptAsync
/// </code>
/// </remarks>
internal sealed class HeadroomListenerFactory(IConnectionListenerFactory inner, int headroom) : IConnectionListenerFactory
{
    /// <summary>
    /// Descriptors that must be free before an accept: one for the accepted socket, the rest for the runtime
    /// (two per thread it starts, two per assembly it loads).
    /// </summary>
    public const int DefaultHeadroom = 8;

    private const string NullDevice = "/dev/null";

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        IConnectionListener listener = await inner.BindAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return new HeadroomListener(listener, headroom);
    }

    /// <summary>Whether the process can open <paramref name="count"/> more descriptors right now.</summary>
    internal static bool HasFreeDescriptors(int count)
    {
        var probes = new SafeFileHandle?[count];
        try
        {
            for (int i = 0; i < probes.Length; i++)
            {
                probes[i] = File.OpenHandle(NullDevice, FileMode.Open, FileAccess.Read);
            }

            return true;
        }
        catch (IOException)
        {
            return false; // EMFILE (or ENFILE).
        }
        finally
        {
            foreach (SafeFileHandle? probe in probes)
            {
                probe?.Dispose();
            }
        }
    }

    private sealed class HeadroomListener(IConnectionListener inner, int headroom) : IConnectionListener
    {
        public EndPoint EndPoint => inner.EndPoint;

        public ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            if (!HasFreeDescriptors(headroom))
            {
                throw new NetException(
                    NetErrorCode.TooManyOpenFiles,
                    $"accept {NetAddress.Format(EndPoint)}: {NetErrorCode.TooManyOpenFiles}: fewer than {headroom} descriptors free below the open-files limit; not accepting until connections close.");
            }

            return inner.AcceptAsync(cancellationToken);
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => inner.UnbindAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
