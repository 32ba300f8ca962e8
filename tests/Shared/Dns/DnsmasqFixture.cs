namespace PipeNet.Tests;

/// <summary>One dnsmasq per test class that asks for it, stopped when the class is done.</summary>
public sealed class DnsmasqFixture : IAsyncLifetime
{
    private Dnsmasq? _server;

    public Dnsmasq Server => _server ?? throw new InvalidOperationException("dnsmasq has not started.");

    public async Task InitializeAsync() => _server = await Dnsmasq.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
