namespace PipeNet.Cli;

/// <summary>Which server API <c>pipenet echo</c> runs the echo handler on.</summary>
internal enum EchoApi
{
    /// <summary>The connection's <c>IDuplexPipe</c>: read <c>Transport.Input</c>, write <c>Transport.Output</c>.</summary>
    Pipe,

    /// <summary>The event facade (data/end/close callbacks), which a later release brings.</summary>
    Events,
}
