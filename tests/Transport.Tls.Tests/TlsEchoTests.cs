using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Transport.Tls.Tests;

public sealed class TlsEchoTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private TlsServerOptions ServerOptions() => new() { ServerCertificate = TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.ServerKeyFile) };

    private TlsClientOptions TrustingClient() => new() { CaFile = certificates.RootCaFile };

    [Fact]
    public async Task EchoesOverTlsAndReportsTheNegotiatedParameters()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        await using ConnectionContext client = await server.ConnectAsync(TrustingClient(), "localhost");

        await client.WriteTextAsync("hello over tls");
        Assert.Equal("hello over tls", await client.ReadTextAsync(14));

        IConnectionTlsFeature tls = client.Features.Get<IConnectionTlsFeature>()!;
        Assert.False(tls.IsServer);
        Assert.Equal(SslProtocols.Tls13, tls.Protocol);
        Assert.Equal("TLSv1.3", tls.ProtocolName);
        Assert.StartsWith("TLS_AES_", tls.CipherSuiteName);
        Assert.Equal("localhost", tls.HostName);
        Assert.Equal("localhost", tls.RemoteName);
        Assert.True(tls.RemoteCertificateVerified);
        Assert.Equal(certificates.Server.Certificate.Thumbprint, tls.RemoteCertificate!.Thumbprint);
    }

    [Fact]
    public async Task VerifiesTheServerByIpAddressAgainstItsIpSans()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        await using ConnectionContext client = await server.ConnectAsync(TrustingClient());

        await client.WriteTextAsync("ip");
        Assert.Equal("ip", await client.ReadTextAsync(2));
        Assert.Equal("127.0.0.1", client.Features.Get<IConnectionTlsFeature>()!.HostName);
    }

    [Fact]
    public async Task CarriesAMegabyteBothWaysAndCountsPlaintextBytes()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        await using ConnectionContext client = await server.ConnectAsync(TrustingClient(), "localhost");
        byte[] payload = new byte[1024 * 1024];
        new Random(42).NextBytes(payload);

        Task<byte[]> echoed = client.ReadBytesAsync(payload.Length);
        await client.Transport.Output.WriteAsync(payload).AsTask().WithTimeout();
        byte[] received = await echoed;

        Assert.Equal(payload, received);
        IConnectionBytesFeature bytes = client.Features.Get<IConnectionBytesFeature>()!;
        Assert.Equal(payload.Length, bytes.BytesWritten);
        Assert.Equal(payload.Length, bytes.BytesRead);
    }

    [Fact]
    public async Task HalfCloseSendsCloseNotifyAndTheServerSeesTheEnd()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        await using ConnectionContext client = await server.ConnectAsync(TrustingClient(), "localhost");

        await client.WriteTextAsync("last words");
        await client.Transport.Output.CompleteAsync();

        // The echo application ends its side once it has read to the end: we read its echo, then the end.
        Assert.Equal(10, await client.ReadToEndAsync());
    }

    [Fact]
    public async Task NegotiatesAlpn()
    {
        TlsServerOptions options = ServerOptions();
        options.ApplicationProtocols.Add(SslApplicationProtocol.Http2);
        options.ApplicationProtocols.Add(new SslApplicationProtocol("pipenet/1"));
        await using TlsHarness server = await TlsHarness.StartAsync(options);
        TlsClientOptions clientOptions = TrustingClient();
        clientOptions.ApplicationProtocols.Add(new SslApplicationProtocol("pipenet/1"));

        await using ConnectionContext client = await server.ConnectAsync(clientOptions, "localhost");

        Assert.Equal("pipenet/1", client.Features.Get<IConnectionTlsFeature>()!.ApplicationProtocol.ToString());
    }

    [Fact]
    public async Task MinVersionTls13RefusesATls12OnlyClient()
    {
        TlsServerOptions options = ServerOptions();
        options.MinVersion = SslProtocols.Tls13;
        await using TlsHarness server = await TlsHarness.StartAsync(options);
        await using ConnectionContext tls13 = await server.ConnectAsync(TrustingClient(), "localhost");
        Assert.Equal(SslProtocols.Tls13, tls13.Features.Get<IConnectionTlsFeature>()!.Protocol);

        await using ChildPeer openssl = ChildPeer.Start("openssl", "s_client", "-connect", $"127.0.0.1:{server.Port}", "-tls1_2", "-servername", "localhost");
        openssl.CloseInput();
        await openssl.WaitForExitAsync();

        TlsException error = await server.NextErrorAsync();
        Assert.Equal(NetErrorCode.TlsProtocolUnsupported, error.Code);
    }
}
