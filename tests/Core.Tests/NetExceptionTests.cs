using System.Net.Sockets;

namespace PipeNet.Tests;

public sealed class NetExceptionTests
{
    [Theory]
    [InlineData(SocketError.AddressAlreadyInUse, 98, "EADDRINUSE")]
    [InlineData(SocketError.ConnectionRefused, 111, "ECONNREFUSED")]
    [InlineData(SocketError.ConnectionReset, 104, "ECONNRESET")]
    [InlineData(SocketError.TimedOut, 110, "ETIMEDOUT")]
    [InlineData(SocketError.HostUnreachable, 113, "EHOSTUNREACH")]
    [InlineData(SocketError.AccessDenied, 13, "EACCES")]
    [InlineData(SocketError.AccessDenied, 1, "EPERM")]
    [InlineData(SocketError.TooManyOpenSockets, 24, "EMFILE")]
    [InlineData(SocketError.TooManyOpenSockets, 23, "EMFILE")]
    [InlineData(SocketError.ConnectionAborted, 103, "ECONNABORTED")]
    [InlineData(SocketError.HostNotFound, 0, "ENOTFOUND")]
    [InlineData(SocketError.SocketNotSupported, 0, "ESOCKET")]
    public void TranslatesSocketErrorsIntoStableCodes(SocketError error, int errno, string code)
    {
        Assert.Equal(code, NetErrorCode.FromSocketError(error, errno));
    }

    [Fact]
    public void WrapsASocketExceptionWithItsCodeAndContext()
    {
        var inner = new SocketException((int)SocketError.ConnectionRefused);
        NetException error = NetException.FromSocketException(inner, "connect 127.0.0.1:1");
        Assert.Equal(NetErrorCode.ConnectionRefused, error.Code);
        Assert.StartsWith("connect 127.0.0.1:1: ECONNREFUSED", error.Message);
        Assert.Same(inner, error.InnerException);
        Assert.Equal(SocketError.ConnectionRefused, error.SocketError);
    }

    [Fact]
    public void FindsTheCodeOfWrappedErrors()
    {
        Assert.Equal("ECONNRESET", NetException.GetCode(new Microsoft.AspNetCore.Connections.ConnectionResetException("reset")));
        Assert.Equal("EADDRINUSE", NetException.GetCode(new Microsoft.AspNetCore.Connections.AddressInUseException("in use")));
        Assert.Equal("ETIMEDOUT", NetException.GetCode(new IOException("outer", new NetException("ETIMEDOUT", "inner"))));
        Assert.Null(NetException.GetCode(new InvalidOperationException()));
        Assert.Null(NetException.GetCode(null));
    }

    [Fact]
    public void RejectsAnEmptyCode()
    {
        Assert.Equal("code", Assert.Throws<ArgumentException>(() => new NetException("", "message")).ParamName);
    }
}
