namespace PipeNet.Transport.Tls.Tests;

/// <summary>IsClientAllowed as an allow-list.</summary>
public sealed class AllowListTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    [Fact]
    public async Task AnAllowListRejectsAClientWithoutACertificate()
    {
        var options = new TlsServerOptions
        {
            ServerCertificate = TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.ServerKeyFile),
            ClientCertificateMode = TlsClientCertificateMode.Requested,
            ClientCertificateAuthorities = certificates.RootCollection,
            IsClientAllowed = (name, _) => true,
        };
        int served = 0;
        await using TlsHarness server = await TlsHarness.StartAsync(options, connection =>
        {
            Interlocked.Increment(ref served);
            return EchoApplication.RunAsync(connection);
        });

        await using Microsoft.AspNetCore.Connections.ConnectionContext anonymous = await server.ConnectAsync(new TlsClientOptions { CaFile = certificates.RootCaFile }, "localhost");
        TlsException error = await server.NextErrorAsync();

        Assert.Equal(NetErrorCode.TlsClientRejected, error.Code);
        Assert.Equal("Client Rejected: (no certificate)", error.Message);
        Assert.Equal(0, await anonymous.ReadToEndAsync());
        Assert.Equal(0, served);
    }
}
