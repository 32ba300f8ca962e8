using System.Net;
using System.Net.Sockets;

namespace PipeNet.Cli.Tests;

/// <summary>The parser itself, in process: what each option turns into, and the message for each mistake.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void EchoDefaultsToLoopbackPort7007WithNoLimits()
    {
        ParsedCommand command = CommandLine.Parse(["echo"]);

        Assert.Equal(CommandKind.Echo, command.Kind);
        EchoOptions echo = command.Echo!;
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7007), echo.Listen);
        Assert.Null(echo.MaxConnections);
        Assert.Null(echo.IdleTimeout);
        Assert.Equal(EchoApi.Pipe, echo.Api);
    }

    [Fact]
    public void EchoReadsEveryOptionInBothSpellings()
    {
        EchoOptions echo = CommandLine.Parse(["echo", "--listen=[::1]:0", "--max-connections", "3", "--idle-timeout=250", "--api", "events"]).Echo!;

        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 0), echo.Listen);
        Assert.Equal(3, echo.MaxConnections);
        Assert.Equal(TimeSpan.FromMilliseconds(250), echo.IdleTimeout);
        Assert.Equal(EchoApi.Events, echo.Api);
    }

    [Theory]
    [InlineData("unix:/run/echo.sock", "/run/echo.sock")]
    [InlineData("@echo", "@echo")]
    public void EchoListensOnUnixSockets(string address, string expected)
    {
        var unix = Assert.IsType<UnixDomainSocketEndPoint>(CommandLine.Parse(["echo", "--listen", address]).Echo!.Listen);
        Assert.Equal(expected, unix.ToString());
    }

    [Fact]
    public void DemoDefaultsToThreeSecondsOf32ConnectionsSending64Bytes()
    {
        DemoOptions demo = CommandLine.Parse(["demo"]).Demo!;

        Assert.Equal(TimeSpan.FromSeconds(3), demo.Duration);
        Assert.Equal(32, demo.Connections);
        Assert.Equal(64, demo.MessageSize);
    }

    [Fact]
    public void DemoTakesFractionalSeconds()
    {
        DemoOptions demo = CommandLine.Parse(["demo", "--seconds", "0.5", "--connections", "4", "--size", "1024"]).Demo!;

        Assert.Equal(TimeSpan.FromMilliseconds(500), demo.Duration);
        Assert.Equal(4, demo.Connections);
        Assert.Equal(1024, demo.MessageSize);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "echo", "--port", "1" }, "unknown option '--port' for 'echo'")]
    [InlineData(new[] { "echo", "--listen" }, "--listen: missing value")]
    [InlineData(new[] { "echo", "--max-connections", "two" }, "--max-connections: 'two' is not a whole number")]
    [InlineData(new[] { "echo", "--max-connections", "-5" }, "--max-connections: '-5' is negative; expected 1..2147483647")]
    [InlineData(new[] { "echo", "--idle-timeout", "99999999999" }, "--idle-timeout: '99999999999' is out of range; expected 1..2147483647")]
    [InlineData(new[] { "echo", "--listen", "127.0.0.1:99999" }, "--listen: '127.0.0.1:99999' has port 99999 outside 0..65535")]
    [InlineData(new[] { "demo", "--seconds", "soon" }, "--seconds: 'soon' is not a number")]
    [InlineData(new[] { "demo", "--size", "0" }, "--size: '0' is out of range; expected 1..1048576")]
    [InlineData(new[] { "demo", "extra" }, "unexpected argument 'extra'")]
    public void MistakesAreNamedInOneLine(string[] args, string message)
    {
        var error = Assert.Throws<UsageException>(() => CommandLine.Parse(args));
        Assert.Equal(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public void HelpWinsAnywhere(string help)
    {
        Assert.Equal(CommandKind.Help, CommandLine.Parse([help]).Kind);
        Assert.Equal(CommandKind.Help, CommandLine.Parse(["demo", "--size", "-3", help == "help" ? "--help" : help]).Kind);
    }

    [Fact]
    public void NoArgumentsIsNoCommand() => Assert.Equal(CommandKind.None, CommandLine.Parse([]).Kind);
}
