using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Tests;

public sealed class ConnectionPipelineTests
{
    [Fact]
    public async Task MiddlewareRunsInRegistrationOrderAroundTheTerminalHandler()
    {
        var order = new List<string>();
        ConnectionDelegate app = ConnectionPipeline.CreateBuilder()
            .Use(next => async c => { order.Add("outer in"); await next(c); order.Add("outer out"); })
            .Use(next => async c => { order.Add("inner in"); await next(c); order.Add("inner out"); })
            .Run(c => { order.Add("handler"); return Task.CompletedTask; })
            .Build();

        var pipe = new Pipe();
        await app(new DefaultConnectionContext("test", new DuplexPipe(pipe.Reader, pipe.Writer), new DuplexPipe(pipe.Reader, pipe.Writer)));
        Assert.Equal(["outer in", "inner in", "handler", "inner out", "outer out"], order);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
