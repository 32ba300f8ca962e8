namespace PipeNet.Cli;

/// <summary>A command line that parsed: the command, and the options of that command.</summary>
internal sealed class ParsedCommand
{
    public ParsedCommand(CommandKind kind, EchoOptions? echo = null, DemoOptions? demo = null, ConnectOptions? connect = null)
    {
        Kind = kind;
        Echo = echo;
        Demo = demo;
        Connect = connect;
    }

    public CommandKind Kind { get; }

    /// <summary>Set when <see cref="Kind"/> is <see cref="CommandKind.Echo"/>.</summary>
    public EchoOptions? Echo { get; }

    /// <summary>Set when <see cref="Kind"/> is <see cref="CommandKind.Demo"/>.</summary>
    public DemoOptions? Demo { get; }

    /// <summary>Set when <see cref="Kind"/> is <see cref="CommandKind.Connect"/>.</summary>
    public ConnectOptions? Connect { get; }
}
