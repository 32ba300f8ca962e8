using System.Net;
using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tcp;

namespace PipeNet.Transport.Tls.Tests;

public sealed class TlsConnectorTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    [Fact]
    public async Task ConnectsByHostNameAndUsesItForSniAndVerification()
    {
        var options = new TlsServerOptions { ServerCertificate = TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.ServerKeyFile) };
        options.AddCertificate("other.test", TlsCertificate.FromPemFiles(certificates.OtherChainFile, certificates.OtherKeyFile));
        await using TlsHarness server = await TlsHarness.StartAsync(options);
        using var tcp = new TcpConnector();
        IConnectionFactory factory = new TlsConnector(tcp, new TlsClientOptions { CaFile = certificates.RootCaFile });

        await using ConnectionContext connection = await factory.ConnectAsync(new DnsEndPoint("localhost", server.Port)).AsTask().WithTimeout();
        await connection.WriteTextAsync("dns");

        Assert.Equal("dns", await connection.ReadTextAsync(3));
        IConnectionTlsFeature tls = connection.Features.Get<IConnectionTlsFeature>()!;
        Assert.Equal("localhost", tls.HostName);
        Assert.Equal("localhost", tls.RemoteName);
    }
}
