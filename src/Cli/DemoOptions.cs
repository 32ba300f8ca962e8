namespace PipeNet.Cli;

/// <summary>What <c>pipenet demo</c> was asked to do.</summary>
internal sealed class DemoOptions
{
    /// <summary>How long the clients send.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How many client connections run the closed loop at once.</summary>
    public int Connections { get; set; } = 32;

    /// <summary>The size of each message, in bytes.</summary>
    public int MessageSize { get; set; } = 64;
}
