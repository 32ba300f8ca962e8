namespace PipeNet.Cli;

/// <summary>A command line <c>pipenet</c> cannot run; the message says what is wrong, in one line.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UsageException()
    {
    }
}
