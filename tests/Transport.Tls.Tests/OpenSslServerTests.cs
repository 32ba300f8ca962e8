using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tcp;

namespace PipeNet.Transport.Tls.Tests;

/// <summary>A PipeNet TLS client against <c>openssl s_server</c>: trust by file and directory, name checks, expiry, insecure mode.</summary>
public sealed partial class OpenSslServerTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private async Task<(ChildPeer Server, int Port)> StartServerAsync(string chainFile, string keyFile, params string[] extra)
    {
        // s_server reads only the leaf from -cert; the intermediate goes in -cert_chain.
        string[] args = ["-oL", "openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", chainFile, "-key", keyFile, "-cert_chain", certificates.IntermediateFile, "-naccept", "1", .. extra];
        ChildPeer server = ChildPeer.Start("stdbuf", args);
        string accept = await server.WaitForLineAsync(l => l.StartsWith("ACCEPT", StringComparison.Ordinal));
        return (server, int.Parse(AcceptPort().Match(accept).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<ConnectionContext> ConnectAsync(int port, TlsClientOptions options, string? host)
    {
        using var connector = new TcpConnector();
        ConnectionContext connection = await connector.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WithTimeout();
        return await TlsClient.AuthenticateAsync(connection, options, host).WithTimeout();
    }

    private static async Task<TlsException> ConnectFailsAsync(int port, TlsClientOptions options, string? host) =>
        await Assert.ThrowsAsync<TlsException>(() => ConnectAsync(port, options, host));

    [Fact]
    public async Task TrustsTheServerThroughACaFileAndTalks()
    {
        (ChildPeer server, int port) = await StartServerAsync(certificates.ServerChainFile, certificates.ServerKeyFile);
        await using (server)
        {
            await using ConnectionContext client = await ConnectAsync(port, new TlsClientOptions { CaFile = certificates.RootCaFile }, "localhost");
            await client.WriteTextAsync("from pipenet\n");
            await server.WaitForLineAsync(l => l == "from pipenet");
            await server.WriteAsync("from openssl\n");
            Assert.Equal("from openssl\n", await client.ReadTextAsync(13));
            IConnectionTlsFeature tls = client.Features.Get<IConnectionTlsFeature>()!;
            Assert.True(tls.RemoteCertificateVerified);
            Assert.Equal("TLS_AES_256_GCM_SHA384", tls.CipherSuiteName);
        }
    }

    [Fact]
    public async Task TrustsTheServerThroughACaDirectory()
    {
        (ChildPeer server, int port) = await StartServerAsync(certificates.ServerChainFile, certificates.ServerKeyFile);
        await using (server)
        {
            await using ConnectionContext client = await ConnectAsync(port, new TlsClientOptions { CaPath = certificates.CaDirectory }, "localhost");
            await client.WriteTextAsync("capath\n");
            await server.WaitForLineAsync(l => l == "capath");
        }
    }

    [Fact]
    public async Task AWrongHostNameFailsWithTheExpectedName()
    {
        (ChildPeer server, int port) = await StartServerAsync(certificates.WrongHostChainFile, certificates.WrongHostKeyFile);
        await using (server)
        {
            TlsException error = await ConnectFailsAsync(port, new TlsClientOptions { CaFile = certificates.RootCaFile }, "localhost");
            Assert.Equal(NetErrorCode.TlsHostnameMismatch, error.Code);
            Assert.Equal("localhost", error.HostName);
            Assert.Contains("'localhost'", error.Message);
        }
    }

    [Fact]
    public async Task HostNameOverridesTheAddressForSniAndVerification()
    {
        (ChildPeer server, int port) = await StartServerAsync(certificates.WrongHostChainFile, certificates.WrongHostKeyFile);
        await using (server)
        {
            await using ConnectionContext client = await ConnectAsync(port, new TlsClientOptions { CaFile = certificates.RootCaFile, HostName = "wrong.example" }, null);
            Assert.Equal("wrong.example", client.Features.Get<IConnectionTlsFeature>()!.HostName);
        }
    }

    [Fact]
    public async Task AnExpiredCertificateFailsAsExpired()
    {
        (ChildPeer server, int port) = await StartServerAsync(certificates.ExpiredChainFile, certificates.ExpiredKeyFile);
        await using (server)
        {
            TlsException error = await ConnectFailsAsync(port, new TlsClientOptions { CaFile = certificates.RootCaFile }, "localhost");
            Assert.Equal(NetErrorCode.TlsExpired, error.Code);
        }
    }

    [Fact]
    public async Task AnUnknownCaFailsAsUntrusted()
    {
        (ChildPeer server, int port) = await StartServerAsync(certificates.ServerChainFile, certificates.ServerKeyFile);
        await using (server)
        {
            // System trust does not know the test root.
            TlsException error = await ConnectFailsAsync(port, new TlsClientOptions(), "localhost");
            Assert.Equal(NetErrorCode.TlsUntrusted, error.Code);
        }
    }

    [Fact]
    public async Task InsecureSkipsVerificationButSaysSo()
    {
        (ChildPeer server, int port) = await StartServerAsync(certificates.WrongHostChainFile, certificates.WrongHostKeyFile);
        await using (server)
        {
            await using ConnectionContext client = await ConnectAsync(port, new TlsClientOptions { Insecure = true }, "localhost");
            IConnectionTlsFeature tls = client.Features.Get<IConnectionTlsFeature>()!;
            Assert.False(tls.RemoteCertificateVerified);
            Assert.NotNull(tls.VerificationError);
            await client.WriteTextAsync("insecure\n");
            await server.WaitForLineAsync(l => l == "insecure");
        }
    }

    [Fact]
    public async Task PresentsAClientCertificateWhenAsked()
    {
        (ChildPeer server, int port) = await StartServerAsync(certificates.ServerChainFile, certificates.ServerKeyFile, "-Verify", "1", "-CAfile", certificates.RootCaFile);
        await using (server)
        {
            var options = new TlsClientOptions { CaFile = certificates.RootCaFile, ClientCertificate = TlsCertificate.FromPemFiles(certificates.AliceCertFile, certificates.AliceKeyFile) };
            await using ConnectionContext client = await ConnectAsync(port, options, "localhost");
            await client.WriteTextAsync("with cert\n");
            await server.WaitForLineAsync(l => l == "with cert");
            Assert.Contains(server.Lines, l => l.Contains("CN = alice", StringComparison.Ordinal) || l.Contains("CN=alice", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ABadCaFileFailsNamingTheFile()
    {
        string bogus = certificates.Path2("not-a-ca.pem");
        await File.WriteAllTextAsync(bogus, "hello");
        (ChildPeer server, int port) = await StartServerAsync(certificates.ServerChainFile, certificates.ServerKeyFile);
        await using (server)
        {
            TlsException error = await ConnectFailsAsync(port, new TlsClientOptions { CaFile = bogus }, "localhost");
            Assert.Equal(NetErrorCode.TlsCertificateInvalid, error.Code);
            Assert.Contains(bogus, error.Message);
        }
    }

    [GeneratedRegex(@":(\d+)$")]
    private static partial Regex AcceptPort();
}
