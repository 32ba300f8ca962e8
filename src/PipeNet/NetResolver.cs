using System.Net;
using System.Net.Sockets;
using PipeNet.Resolver;

namespace PipeNet;

/// <summary>
/// rampart-net's <c>net.Resolver</c>: asynchronous name and address lookups reported through events —
/// <c>lookup</c> (a <see cref="HostInfo"/>) and <c>error</c>.
/// </summary>
/// <remarks>
/// <para><b>Callbacks:</b> the callback given to <see cref="Resolve(string, Action{HostInfo}?)"/> or
/// <see cref="Reverse"/> is registered as a <c>lookup</c> handler, so it runs for every later lookup too, as in
/// rampart. One delegate runs once per event however often it is passed (rampart's rule for named functions: a
/// method group such as <c>Console.WriteLine</c> is the same delegate each time); two different lambdas are two
/// handlers.</para>
/// <para><b>Reverse lookups</b> raise <c>lookup</c> with a <see cref="HostInfo"/> whose <see cref="HostInfo.Host"/>
/// is the name found and whose <see cref="HostInfo.Addresses"/> holds the address asked about.</para>
/// <para><b>Threading:</b> events arrive on a thread-pool thread, never inside the call that started the lookup;
/// register <c>error</c> before starting lookups. An <c>error</c> with no handler faults <see cref="Completion"/>
/// (rampart throws it).</para>
/// </remarks>
public sealed class NetResolver : EventEmitter<NetResolver>
{
    private static readonly Type[] s_lookupShapes = [typeof(Action<HostInfo>), typeof(Action)];
    private static readonly Type[] s_errorShapes = [typeof(Action<Exception>), typeof(Action)];

    private static readonly EventSlot s_lookup = DefineEvent("lookup", "Action<HostInfo> or Action", s_lookupShapes);
    private static readonly EventSlot s_error = DefineEvent("error", "Action<Exception> or Action", s_errorShapes);
    private readonly Lock _lock = new();
    private TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending;
    private Exception? _unhandledError;

    /// <summary>Creates a resolver over <paramref name="resolver"/>.</summary>
    /// <param name="resolver">The resolver that answers; <see cref="HostResolver.Default"/> (the system resolver) when <c>null</c>.</param>
    public NetResolver(HostResolver? resolver = null)
    {
        HostResolver = resolver ?? HostResolver.Default;
        _idle.SetResult();
    }

    /// <summary>Creates a resolver with its own <see cref="Resolver.HostResolver"/> (for example one that queries given DNS servers).</summary>
    /// <param name="options">The resolver's options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException">A server entry is not <c>IP[:port]</c>.</exception>
    public NetResolver(HostResolverOptions options)
        : this(new HostResolver(options ?? throw new ArgumentNullException(nameof(options))))
    {
    }

    /// <summary>The pipe-level resolver underneath (cache, back end).</summary>
    public HostResolver HostResolver { get; }

    /// <summary>How many lookups are in flight.</summary>
    public int PendingLookups => Volatile.Read(ref _pending);

    /// <summary>
    /// Completes when every lookup started so far has raised its event; faults with the first <c>error</c> that found
    /// no handler. A lookup started later makes a new task.
    /// </summary>
    public Task Completion
    {
        get
        {
            lock (_lock)
            {
                return _idle.Task;
            }
        }
    }

    /// <summary>Looks up <paramref name="host"/>'s addresses; the outcome arrives as <c>lookup</c> or <c>error</c>.</summary>
    /// <param name="host">A host name or IP address.</param>
    /// <param name="callback">Registered for <c>lookup</c> unless already registered.</param>
    /// <returns>This resolver.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="host"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is not a valid host name (the message quotes it).</exception>
    public NetResolver Resolve(string host, Action<HostInfo>? callback = null) => Resolve(host, AddressFamily.Unspecified, callback);

    /// <summary>Looks up <paramref name="host"/>'s addresses of one family.</summary>
    /// <param name="host">A host name or IP address.</param>
    /// <param name="family">The family, or <see cref="AddressFamily.Unspecified"/> for both.</param>
    /// <param name="callback">Registered for <c>lookup</c> unless already registered.</param>
    /// <returns>This resolver.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="host"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is not a valid host name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="family"/> is not IPv4, IPv6 or unspecified.</exception>
    public NetResolver Resolve(string host, AddressFamily family, Action<HostInfo>? callback = null)
    {
        ValueTask<HostInfo> lookup = HostResolver.ResolveAsync(host, family); // throws at once on bad input
        Begin(callback);
        _ = CompleteAsync(lookup.AsTask(), static info => info);
        return this;
    }

    /// <summary>Looks up the host name of <paramref name="address"/>; the outcome arrives as <c>lookup</c> or <c>error</c>.</summary>
    /// <param name="address">An IPv4 or IPv6 address.</param>
    /// <param name="callback">Registered for <c>lookup</c> unless already registered.</param>
    /// <returns>This resolver.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not an IP address (the message quotes it).</exception>
    public NetResolver Reverse(string address, Action<HostInfo>? callback = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ValueTask<string> lookup = HostResolver.ReverseAsync(address);
        IPAddress ip = IPAddress.Parse(address);
        Begin(callback);
        _ = CompleteAsync(lookup.AsTask(), name => new HostInfo(name, [ip]));
        return this;
    }

    /// <summary>Registers a <c>lookup</c> handler.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This resolver.</returns>
    public NetResolver OnLookup(Action<HostInfo> handler) => On("lookup", handler);

    /// <summary>Registers an <c>error</c> handler. With none, errors fault <see cref="Completion"/>.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This resolver.</returns>
    public NetResolver OnError(Action<Exception> handler) => On("error", handler);

    private void Begin(Action<HostInfo>? callback)
    {
        lock (_lock)
        {
            if (callback is not null && !IsRegistered(s_lookup, callback))
            {
                On("lookup", callback);
            }

            if (_pending++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private async Task CompleteAsync<T>(Task<T> lookup, Func<T, HostInfo> toInfo)
    {
        // Events never run inside the call that started the lookup, even for a cached answer.
        await Task.Yield();
        try
        {
            HostInfo info = toInfo(await lookup.ConfigureAwait(false));
            try
            {
                Emit(s_lookup, info);
            }
            catch (Exception handlerError)
            {
                RaiseError(handlerError);
            }
        }
        catch (Exception ex)
        {
            RaiseError(ex);
        }
        finally
        {
            End();
        }
    }

    private void RaiseError(Exception error)
    {
        bool handled;
        try
        {
            handled = Emit(s_error, error);
        }
        catch (Exception handlerError)
        {
            handled = false;
            error = handlerError;
        }

        if (!handled)
        {
            lock (_lock)
            {
                _unhandledError ??= error;
            }
        }
    }

    private void End()
    {
        TaskCompletionSource idle;
        Exception? unhandled;
        lock (_lock)
        {
            if (--_pending > 0)
            {
                return;
            }

            idle = _idle;
            unhandled = _unhandledError;
            _unhandledError = null;
        }

        if (unhandled is null)
        {
            idle.TrySetResult();
        }
        else
        {
            idle.TrySetException(unhandled);
        }
    }
}
