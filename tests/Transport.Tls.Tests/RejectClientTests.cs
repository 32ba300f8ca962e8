namespace PipeNet.Transport.Tls.Tests;

/// <summary>RejectClient answering a rejected PipeNet client before the close.</summary>
public sealed class RejectClientTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    [Fact]
    public async Task APipeNetClientReadsTheRejectionThenTheEnd()
    {
        var options = new TlsServerOptions { ServerCertificate = TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.ServerKeyFile) };
        options.ClientCertificateMode = TlsClientCertificateMode.Required;
        options.ClientCertificateAuthorities = certificates.RootCollection;
        options.IsClientAllowed = (name, _) => name == "alice";
        options.RejectClient = async (connection, name) => await connection.WriteTextAsync($"Sorry {name}");
        await using TlsHarness server = await TlsHarness.StartAsync(options);
        var client = new TlsClientOptions { CaFile = certificates.RootCaFile, ClientCertificate = TlsCertificate.FromPemFiles(certificates.MalloryCertFile, certificates.MalloryKeyFile) };
        await using Microsoft.AspNetCore.Connections.ConnectionContext connection = await server.ConnectAsync(client, "localhost");
        await connection.WriteTextAsync("x");

        Assert.Equal("Sorry mallory", await connection.ReadTextAsync(100));
    }
}
