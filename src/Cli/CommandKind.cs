namespace PipeNet.Cli;

/// <summary>What a command line asks <c>pipenet</c> to do.</summary>
internal enum CommandKind
{
    /// <summary>No arguments at all: print the usage and fail.</summary>
    None,

    /// <summary><c>help</c>, <c>--help</c> or <c>-h</c>, anywhere: print the usage and succeed.</summary>
    Help,

    /// <summary><c>pipenet echo</c>.</summary>
    Echo,

    /// <summary><c>pipenet demo</c>.</summary>
    Demo,

    /// <summary><c>pipenet connect</c>.</summary>
    Connect,
}
