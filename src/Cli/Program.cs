namespace PipeNet.Cli;

/// <summary>The <c>pipenet</c> entry point: parses the command line and runs the command.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        TextWriter stdout = Console.Out;
        TextWriter stderr = Console.Error;
        switch (args.Length > 0 ? args[0] : null)
        {
            case "ping":
                // ping takes iputils' own flags, parsed by the raw transport's PingProgram.
                return await UntilInterruptedAsync(token => PipeNet.Transport.Raw.PingProgram.RunAsync(args[1..], stdout, stderr, token)).ConfigureAwait(false);
            case "bench":
                // bench passes its arguments through to the perf harness.
                return await UntilInterruptedAsync(token => BenchCommand.RunAsync(args[1..], stderr, token)).ConfigureAwait(false);
            case "resolve":
                return await ResolveCommand.RunAsync(args[1..], stdout, stderr).ConfigureAwait(false);
        }

        ParsedCommand command;
        try
        {
            command = CommandLine.Parse(args);
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"pipenet: {ex.Message}").ConfigureAwait(false);
            Usage.Write(stderr);
            return ExitCodes.Usage;
        }

        switch (command.Kind)
        {
            case CommandKind.Help:
                Usage.Write(stdout);
                return ExitCodes.Success;
            case CommandKind.Echo:
                return await EchoCommand.RunAsync(command.Echo!, stdout, stderr).ConfigureAwait(false);
            case CommandKind.Demo:
                return await DemoCommand.RunAsync(command.Demo!, stdout, stderr).ConfigureAwait(false);
            case CommandKind.Connect:
                return await ConnectCommand.RunAsync(command.Connect!, Console.OpenStandardInput(), Console.OpenStandardOutput(), stderr).ConfigureAwait(false);
            default:
                Usage.Write(stderr);
                return ExitCodes.Usage;
        }
    }

    /// <summary>Runs a command with a token that SIGINT (Ctrl+C) cancels instead of killing the process.</summary>
    private static async Task<int> UntilInterruptedAsync(Func<CancellationToken, Task<int>> command)
    {
        using var interrupted = new CancellationTokenSource();
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGINT, context => { context.Cancel = true; interrupted.Cancel(); });
        return await command(interrupted.Token).ConfigureAwait(false);
    }
}
