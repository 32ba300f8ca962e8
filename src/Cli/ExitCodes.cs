namespace PipeNet.Cli;

/// <summary>The process exit codes <c>pipenet</c> uses, as most Unix tools do.</summary>
internal static class ExitCodes
{
    /// <summary>The command ran and stopped as asked.</summary>
    public const int Success = 0;

    /// <summary>The command could not do its job: a bind failed, the accept loop died, a demo client failed.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong; nothing was started.</summary>
    public const int Usage = 2;
}
