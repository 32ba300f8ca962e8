namespace PipeNet.Cli;

/// <summary>The <c>pipenet</c> entry point: parses the command line and runs the command.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        TextWriter stdout = Console.Out;
        TextWriter stderr = Console.Error;
        if (args.Length > 0 && args[0] == "ping")
        {
            // ping takes iputils' own flags, parsed by the raw transport's PingProgram.
            using var interrupted = new CancellationTokenSource();
            using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(
                System.Runtime.InteropServices.PosixSignal.SIGINT, context => { context.Cancel = true; interrupted.Cancel(); });
            return await PipeNet.Transport.Raw.PingProgram.RunAsync(args[1..], stdout, stderr, interrupted.Token).ConfigureAwait(false);
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
}
