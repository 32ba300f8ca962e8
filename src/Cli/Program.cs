namespace PipeNet.Cli;

/// <summary>The <c>pipenet</c> entry point: parses the command line and runs the command.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        TextWriter stdout = Console.Out;
        TextWriter stderr = Console.Error;
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
            default:
                Usage.Write(stderr);
                return ExitCodes.Usage;
        }
    }
}
