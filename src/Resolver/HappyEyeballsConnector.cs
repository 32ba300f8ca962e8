using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace PipeNet.Resolver;

/// <summary>
/// Connects to the first of several addresses that answers, racing them as RFC 8305 (Happy Eyeballs v2) says:
/// addresses interleaved by family, a new attempt started each time the attempt delay passes or the latest attempt
/// fails, the first success kept and every other attempt cancelled (one that still succeeds is disposed).
/// </summary>
/// <remarks>
/// <para>The connect step is a delegate, so the same logic drives TCP sockets, TLS connections or a test double.</para>
/// <code>
///   t=0      attempt #1 (first address, say IPv6)
///   t=250ms  #1 still pending → attempt #2 (IPv4) beside it      (#1 failing earlier starts #2 at once)
///   first to connect wins; the rest are cancelled
/// </code>
/// </remarks>
public sealed class HappyEyeballsConnector
{
    private readonly HappyEyeballsOptions _options;

    /// <summary>Creates a connector.</summary>
    /// <param name="options">Attempt delay and clock; the defaults when <c>null</c>.</param>
    public HappyEyeballsConnector(HappyEyeballsOptions? options = null)
    {
        _options = options ?? new HappyEyeballsOptions();
    }

    /// <summary>
    /// Orders addresses for connecting (RFC 8305 section 4): the first address's family first, then the families
    /// alternating, each family keeping its own order.
    /// </summary>
    /// <param name="addresses">The addresses, in the resolver's order of preference.</param>
    /// <returns>The interleaved order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="addresses"/> is <c>null</c>.</exception>
    public static IReadOnlyList<IPAddress> Interleave(IReadOnlyList<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Count < 2)
        {
            return addresses;
        }

        AddressFamily first = addresses[0].AddressFamily;
        var preferred = new List<IPAddress>(addresses.Count);
        var other = new List<IPAddress>(addresses.Count);
        foreach (IPAddress address in addresses)
        {
            (address.AddressFamily == first ? preferred : other).Add(address);
        }

        var ordered = new IPAddress[addresses.Count];
        int p = 0, o = 0;
        for (int i = 0; i < ordered.Length; i++)
        {
            bool takePreferred = p < preferred.Count && (o >= other.Count || i % 2 == 0);
            ordered[i] = takePreferred ? preferred[p++] : other[o++];
        }

        return ordered;
    }

    /// <summary>Races connection attempts to <paramref name="addresses"/> and returns the first that succeeds.</summary>
    /// <typeparam name="T">The connection type.</typeparam>
    /// <param name="addresses">Where to connect, in order of preference (interleaved here by family).</param>
    /// <param name="connect">Opens one connection; it must honour its token.</param>
    /// <param name="observer">Told about each attempt; <c>null</c> for none.</param>
    /// <param name="cancellationToken">Cancels every attempt.</param>
    /// <returns>The winning connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="addresses"/> or <paramref name="connect"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="addresses"/> is empty.</exception>
    /// <exception cref="NetException">Every attempt failed: with one address its own error; with several, the last
    /// attempt's code and a message listing every failure (the errors are in an <see cref="AggregateException"/> inside).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<T> ConnectAsync<T>(
        IReadOnlyList<IPAddress> addresses,
        Func<IPAddress, CancellationToken, ValueTask<T>> connect,
        IConnectionAttemptObserver? observer = null,
        CancellationToken cancellationToken = default)
        where T : IAsyncDisposable
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(connect);
        if (addresses.Count == 0)
        {
            throw new ArgumentException("There is no address to connect to.", nameof(addresses));
        }

        IReadOnlyList<IPAddress> ordered = Interleave(addresses);
        using var attempts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new List<(Task<T> Task, IPAddress Address)>(ordered.Count);
        var errors = new List<Exception>();
        int next = 0;
        CancellationTokenSource? delay = null;
        Task delayTask = Task.CompletedTask;
        var waitSet = new List<Task>(ordered.Count + 1);

        void StartNext()
        {
            IPAddress address = ordered[next++];
            delay?.Cancel();
            delay?.Dispose();
            delay = null;
            if (next < ordered.Count)
            {
                // The next attempt's delay runs from before this attempt starts, so it is never late by the start's cost.
                delay = CancellationTokenSource.CreateLinkedTokenSource(attempts.Token);
                delayTask = Task.Delay(_options.AttemptDelay, _options.TimeProvider, delay.Token);
            }

            observer?.OnAttempt(address);
            pending.Add((Attempt(connect, address, attempts.Token), address));
        }

        try
        {
            StartNext();
            while (true)
            {
                waitSet.Clear();
                foreach ((Task<T> task, _) in pending)
                {
                    waitSet.Add(task);
                }

                if (delay is not null)
                {
                    waitSet.Add(delayTask);
                }

                if (waitSet.Count == 0)
                {
                    break;
                }

                Task done = await Task.WhenAny(waitSet).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (delay is not null && done == delayTask)
                {
                    // The latest attempt had its time alone; the next address joins the race.
                    observer?.OnAttemptTimeout(pending[^1].Address);
                    StartNext();
                    continue;
                }

                int index = pending.FindIndex(p => p.Task == done);
                (Task<T> finished, IPAddress address) = pending[index];
                pending.RemoveAt(index);
                if (finished.IsCompletedSuccessfully)
                {
                    T winner = finished.Result;
                    return winner;
                }

                Exception error = finished.Exception?.InnerException ?? new OperationCanceledException();
                errors.Add(error);
                observer?.OnAttemptFailed(address, error);
                if (next < ordered.Count)
                {
                    StartNext();
                }
            }
        }
        finally
        {
            // Won, failed or cancelled: whatever is still running loses; one that connects anyway is closed.
            delay?.Dispose();
            await attempts.CancelAsync().ConfigureAwait(false);
            foreach ((Task<T> loser, _) in pending)
            {
                _ = DisposeLateWinnerAsync(loser);
            }
        }

        if (errors.Count == 1)
        {
            ExceptionDispatchInfo.Throw(errors[0]);
        }

        string code = NetException.GetCode(errors[^1]) ?? NetErrorCode.SocketError;
        string summary = string.Join("; ", errors.Select(e => e.Message));
        throw new NetException(code, $"{code}: all {errors.Count} connection attempts failed: {summary}", new AggregateException(errors));
    }

    private static async Task<T> Attempt<T>(Func<IPAddress, CancellationToken, ValueTask<T>> connect, IPAddress address, CancellationToken cancellationToken)
    {
        // Yield first so a connect delegate that completes synchronously still lets the caller's loop start the race.
        await Task.Yield();
        return await connect(address, cancellationToken).ConfigureAwait(false);
    }

    private static async Task DisposeLateWinnerAsync<T>(Task<T> loser)
        where T : IAsyncDisposable
    {
        T connection;
        try
        {
            connection = await loser.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A cancelled or failed loser has nothing to release.
            return;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
