using System.Net;
using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

/// <summary>
/// The test assembly's entry point, used only when a test runs it as a child process (see <see cref="ChildProcess"/>):
/// under dropped privileges, or where an unhandled error is supposed to end the process.
/// </summary>
public static class Program
{
    public const int CreationFailed = 3;

    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "create-raw-socket":
                try
                {
                    using RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
                    Console.WriteLine("created");
                    return 0;
                }
                catch (NetException ex)
                {
                    Console.WriteLine(ex.Code);
                    Console.WriteLine(ex.Message);
                    return CreationFailed;
                }

            case "ping":
                return await PingProgram.RunAsync(args[1..], Console.Out, Console.Error);

            case "unhandled-handler-exception":
            {
                // No error handler: the message handler's exception must end the process, as in Node.
                RawSocket socket = RawSocket.Create(o => o.Protocol = RawProtocol.Icmp);
                socket.OnMessage((_, _) => throw new InvalidOperationException("handler failed on purpose"));
                byte[] request = new byte[16];
                IcmpEcho.WriteRequest(request, 0xBEEF, 1, new byte[8]);
                socket.Send(request, 0, request.Length, IPAddress.Loopback);
                await Task.Delay(TimeSpan.FromSeconds(15));
                Console.WriteLine("still alive");
                return 0;
            }

            default:
                Console.Error.WriteLine("This assembly is a test suite; its entry point serves child processes of its tests.");
                return 64;
        }
    }
}
