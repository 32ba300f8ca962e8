namespace PipeNet;

/// <summary>
/// Socket options a policy can change without knowing which transport carries the connection.
/// Transports without a socket (in-memory pipes) simply do not offer this feature.
/// </summary>
public interface ISocketOptionsFeature
{
    /// <summary>Whether Nagle's algorithm is disabled (TCP_NODELAY). Setting it on a Unix socket is ignored.</summary>
    bool NoDelay { get; set; }

    /// <summary>Reads the keep-alive settings back from the socket.</summary>
    /// <returns>The settings in force.</returns>
    KeepAliveSettings GetKeepAlive();

    /// <summary>Applies keep-alive settings to the socket. Ignored on a Unix socket.</summary>
    /// <param name="settings">The settings.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value outside what the kernel accepts.</exception>
    void SetKeepAlive(KeepAliveSettings settings);
}
