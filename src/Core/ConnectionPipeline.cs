using Microsoft.AspNetCore.Connections;

namespace PipeNet;

/// <summary>
/// Starts a middleware chain: <c>Use(Func&lt;ConnectionDelegate, ConnectionDelegate&gt;)</c> adds a layer,
/// <c>Run(...)</c> ends it, <c>Build()</c> returns the <see cref="ConnectionDelegate"/> a
/// <see cref="ConnectionDispatcher"/> runs. The builder is ASP.NET Core's own
/// <see cref="IConnectionBuilder"/>, so its extension methods (<c>Run</c>, <c>Use</c> with a <c>next</c>
/// callback, <c>UseConnectionHandler</c>) work unchanged.
/// </summary>
public static class ConnectionPipeline
{
    /// <summary>Creates an empty middleware chain.</summary>
    /// <param name="services">Services handed to middleware through <see cref="IConnectionBuilder.ApplicationServices"/>; an empty provider when <c>null</c>.</param>
    /// <returns>The builder.</returns>
    public static IConnectionBuilder CreateBuilder(IServiceProvider? services = null) =>
        new ConnectionBuilder(services ?? EmptyServiceProvider.Instance);

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
