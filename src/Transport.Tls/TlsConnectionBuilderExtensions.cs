using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PipeNet.Transport.Tls.Internal;

namespace PipeNet.Transport.Tls;

/// <summary>Adds server TLS to a middleware chain (<see cref="ConnectionPipeline.CreateBuilder"/>).</summary>
public static class TlsConnectionBuilderExtensions
{
    /// <summary>
    /// Terminates TLS for every connection: the rest of the chain reads and writes plaintext, and finds the
    /// negotiated parameters in <see cref="IConnectionTlsFeature"/>.
    /// </summary>
    /// <param name="builder">The chain.</param>
    /// <param name="options">The certificates and policy; read live, so certificates added later count.</param>
    /// <returns>The chain.</returns>
    /// <exception cref="ArgumentNullException">An argument is <c>null</c>.</exception>
    /// <exception cref="ArgumentException">No certificate and no selector: the server could not complete a single handshake.</exception>
    public static IConnectionBuilder UseTls(this IConnectionBuilder builder, TlsServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.HasCertificate)
        {
            throw new ArgumentException("TLS needs a certificate: set ServerCertificate, call AddCertificate, or set ServerCertificateSelector.", nameof(options));
        }

        ILogger logger = (builder.ApplicationServices.GetService(typeof(ILoggerFactory)) as ILoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("PipeNet.Transport.Tls");
        return builder.Use(next => new TlsServerMiddleware(next, options, logger).OnConnectionAsync);
    }

    /// <summary>Terminates TLS with options set up by <paramref name="configure"/>.</summary>
    /// <param name="builder">The chain.</param>
    /// <param name="configure">Sets the certificates and policy.</param>
    /// <returns>The chain.</returns>
    /// <exception cref="ArgumentNullException">An argument is <c>null</c>.</exception>
    /// <exception cref="ArgumentException">No certificate was configured.</exception>
    public static IConnectionBuilder UseTls(this IConnectionBuilder builder, Action<TlsServerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new TlsServerOptions();
        configure(options);
        return builder.UseTls(options);
    }

    /// <summary>Wraps <paramref name="application"/> in server TLS, for code that holds a bare <see cref="ConnectionDelegate"/>.</summary>
    /// <param name="application">What runs on the decrypted connection.</param>
    /// <param name="options">The certificates and policy.</param>
    /// <param name="loggerFactory">Where log messages go; none when <c>null</c>.</param>
    /// <returns>The wrapped delegate.</returns>
    /// <exception cref="ArgumentNullException">An argument is <c>null</c>.</exception>
    /// <exception cref="ArgumentException">No certificate was configured.</exception>
    public static ConnectionDelegate WithTls(this ConnectionDelegate application, TlsServerOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.HasCertificate)
        {
            throw new ArgumentException("TLS needs a certificate: set ServerCertificate, call AddCertificate, or set ServerCertificateSelector.", nameof(options));
        }

        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("PipeNet.Transport.Tls");
        return new TlsServerMiddleware(application, options, logger).OnConnectionAsync;
    }
}
