namespace PipeNet.Transport.Raw;

/// <summary>How one echo request ended.</summary>
public enum PingStatus
{
    /// <summary>A matching echo reply arrived in time.</summary>
    Success = 0,

    /// <summary>No matching reply arrived within <see cref="PingOptions.Timeout"/>.</summary>
    TimedOut = 1,

    /// <summary>The request could not be sent; <see cref="PingReply.Error"/> says why.</summary>
    Failed = 2,
}
