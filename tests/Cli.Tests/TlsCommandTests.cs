using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using PipeNet.Tests;
using PipeNet.Transport.Tls;

namespace PipeNet.Cli.Tests;

/// <summary><c>pipenet echo --tls-cert/--tls-key</c> and <c>pipenet connect</c>.</summary>
public sealed class TlsCommandTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    [Fact]
    public void ParsesConnectAndItsTlsOptions()
    {
        ParsedCommand parsed = CommandLine.Parse(["connect", "--tls", "--ca", "certs/ca.pem", "--servername=example.test", "localhost:443"]);
        Assert.Equal(CommandKind.Connect, parsed.Kind);
        ConnectOptions options = parsed.Connect!;
        Assert.True(options.Tls);
        Assert.Equal("certs/ca.pem", options.CaFile);
        Assert.Equal("example.test", options.ServerName);
        Assert.Equal(new DnsEndPoint("localhost", 443), options.Target);

        Assert.Contains("missing HOST:PORT", Assert.Throws<UsageException>(() => CommandLine.Parse(["connect", "--tls"])).Message);
        Assert.Contains("need --tls", Assert.Throws<UsageException>(() => CommandLine.Parse(["connect", "--insecure", "127.0.0.1:1"])).Message);
        Assert.Contains("no port", Assert.Throws<UsageException>(() => CommandLine.Parse(["connect", "127.0.0.1"])).Message);
        Assert.Contains("unknown option", Assert.Throws<UsageException>(() => CommandLine.Parse(["connect", "--tsl", "127.0.0.1:1"])).Message);
        Assert.Contains("--tls-cert needs --tls-key", Assert.Throws<UsageException>(() => CommandLine.Parse(["echo", "--tls-cert", "c.pem"])).Message);
    }

    [Fact]
    public async Task EchoWithTlsServesOpenSslAndPipenetConnect()
    {
        await using var server = PipenetProcess.Start("echo", "--listen", "127.0.0.1:0", "--tls-cert", certificates.ServerChainFile, "--tls-key", certificates.ServerKeyFile);
        var endPoint = Assert.IsType<IPEndPoint>(await server.WaitForListeningAsync());

        await using (ChildPeer openssl = ChildPeer.Start("stdbuf", "-oL", "openssl", "s_client", "-connect", $"127.0.0.1:{endPoint.Port}", "-servername", "localhost", "-CAfile", certificates.RootCaFile))
        {
            await openssl.WriteAsync("through openssl\n");
            await openssl.WaitForLineAsync(l => l == "through openssl");
            openssl.CloseInput();
            await openssl.WaitForExitAsync();
            Assert.Contains("Verify return code: 0 (ok)", openssl.Output);
        }

        (int exit, string stdout, string stderr) = await ConnectAsync("hello through pipenet connect\n", "--tls", "--ca", certificates.RootCaFile, "--servername", "localhost", $"127.0.0.1:{endPoint.Port}");
        Assert.Equal(0, exit);
        Assert.Equal("hello through pipenet connect\n", stdout);
        Assert.Contains("TLSv1.3", stderr);

        await server.SignalAsync("TERM");
        Assert.Equal(0, await server.WaitForExitAsync());
    }

    [Fact]
    public async Task EchoWithABadKeyFileFailsNamingIt()
    {
        string missing = certificates.Path2("nope.pem");
        (int exit, PipenetProcess process) = await PipenetProcess.RunAsync("echo", "--listen", "127.0.0.1:0", "--tls-cert", certificates.ServerChainFile, "--tls-key", missing);
        await using (process)
        {
            Assert.Equal(ExitCodes.Failure, exit);
            Assert.Contains(missing, process.StandardError);
        }
    }

    [Fact]
    public async Task ConnectVerifiesByDefaultAndInsecureSkipsIt()
    {
        await using EchoServer server = await EchoServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), new ConnectionDispatcherOptions(), NullLoggerFactory.Instance,
            tls: new TlsServerOptions { ServerCertificate = TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.ServerKeyFile) });
        string target = $"127.0.0.1:{((IPEndPoint)server.EndPoint).Port}";

        (int untrustedExit, _, string untrustedError) = await ConnectAsync("x", "--tls", target);
        Assert.Equal(ExitCodes.Failure, untrustedExit);
        Assert.Contains(NetErrorCode.TlsUntrusted, untrustedError);

        (int exit, string stdout, string stderr) = await ConnectAsync("insecure\n", "--tls", "--insecure", target);
        Assert.Equal(0, exit);
        Assert.Equal("insecure\n", stdout);
        Assert.Contains("NOT VERIFIED", stderr);
    }

    [Fact]
    public async Task ConnectWithoutTlsIsPlainNetcat()
    {
        await using EchoServer server = await EchoServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), new ConnectionDispatcherOptions(), NullLoggerFactory.Instance);
        (int exit, string stdout, _) = await ConnectAsync("plain\nlines\n", $"127.0.0.1:{((IPEndPoint)server.EndPoint).Port}");
        Assert.Equal(0, exit);
        Assert.Equal("plain\nlines\n", stdout);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> ConnectAsync(string stdin, params string[] args)
    {
        ConnectOptions options = CommandLine.Parse(["connect", .. args]).Connect!;
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        using var output = new MemoryStream();
        using var errors = new StringWriter();
        int exit = await ConnectCommand.RunAsync(options, input, output, errors).WithTimeout();
        return (exit, Encoding.UTF8.GetString(output.ToArray()), errors.ToString());
    }
}
