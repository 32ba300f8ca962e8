using Microsoft.AspNetCore.Connections;

namespace PipeNet.Transport.Tls.Tests;

/// <summary><c>openssl s_client</c> against a PipeNet TLS server: protocol, cipher, chain, SNI, mutual TLS.</summary>
public sealed class OpenSslClientTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private TlsServerOptions ServerOptions()
    {
        var options = new TlsServerOptions { ServerCertificate = TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.ServerKeyFile) };
        options.AddCertificate("other.test ~ *.wild.test", TlsCertificate.FromPemFiles(certificates.OtherChainFile, certificates.OtherKeyFile));
        return options;
    }

    private static async Task<ChildPeer> RunClientAsync(int port, string input, params string[] extra)
    {
        string[] args = ["-oL", "openssl", "s_client", "-connect", $"127.0.0.1:{port}", .. extra];
        ChildPeer peer = ChildPeer.Start("stdbuf", args); // s_client writes through stdio: line-buffer it so lines arrive as they happen
        await peer.WriteAsync(input);
        return peer;
    }

    [Fact]
    public async Task NegotiatesTls13SendsTheFullChainAndVerifiesAgainstTheRoot()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        await using ChildPeer openssl = await RunClientAsync(server.Port, "ping\n", "-servername", "localhost", "-CAfile", certificates.RootCaFile, "-verify_return_error", "-showcerts");

        await openssl.WaitForLineAsync(l => l == "ping");
        openssl.CloseInput();
        Assert.Equal(0, await openssl.WaitForExitAsync());

        string output = openssl.Output;
        Assert.Contains("Verify return code: 0 (ok)", output);
        Assert.Contains("New, TLSv1.3, Cipher is TLS_AES_", output);
        // The chain: leaf (depth 0) and the intermediate (depth 1) came from the server.
        Assert.Contains(" 0 s:CN = localhost", output);
        Assert.Contains(" 1 s:CN = PipeNet Test Intermediate", output);
    }

    [Fact]
    public async Task Tls12WithTheCipherTheClientAsksFor()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        await using ChildPeer openssl = await RunClientAsync(server.Port, "x\n", "-servername", "localhost", "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");

        await openssl.WaitForLineAsync(l => l == "x");
        openssl.CloseInput();
        await openssl.WaitForExitAsync();

        Assert.Contains("Protocol  : TLSv1.2", openssl.Output);
        Assert.Contains("Cipher    : ECDHE-ECDSA-AES128-GCM-SHA256", openssl.Output);
    }

    [Theory]
    [InlineData("localhost", "CN = localhost")]
    [InlineData("other.test", "CN = other.test")]
    [InlineData("a.wild.test", "CN = other.test")]
    [InlineData("unknown.test", "CN = localhost")]
    public async Task PicksTheCertificateBySniName(string serverName, string expectedSubject)
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        await using ChildPeer openssl = await RunClientAsync(server.Port, "sni\n", "-servername", serverName);

        await openssl.WaitForLineAsync(l => l == "sni");
        openssl.CloseInput();
        await openssl.WaitForExitAsync();

        Assert.Contains($"subject={expectedSubject}", openssl.Output.Replace("subject=/", "subject=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MutualTlsAcceptsAnAllowedClientAndSeesItsName()
    {
        TlsServerOptions options = ServerOptions();
        options.ClientCertificateMode = TlsClientCertificateMode.Required;
        options.ClientCertificateAuthorities = certificates.RootCollection;
        var names = new List<string>();
        options.IsClientAllowed = (name, _) =>
        {
            lock (names)
            {
                names.Add(name);
            }

            return name == "alice";
        };

        var seen = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TlsHarness server = await TlsHarness.StartAsync(options, async connection =>
        {
            seen.TrySetResult(connection.Features.Get<IConnectionTlsFeature>()?.RemoteName);
            await EchoApplication.RunAsync(connection);
        });
        await using ChildPeer openssl = await RunClientAsync(server.Port, "mtls\n", "-servername", "localhost", "-cert", certificates.AliceCertFile, "-key", certificates.AliceKeyFile);

        await openssl.WaitForLineAsync(l => l == "mtls");
        openssl.CloseInput();
        await openssl.WaitForExitAsync();

        Assert.Equal("alice", await seen.Task.WithTimeout());
        Assert.Equal(["alice"], names);
    }

    [Fact]
    public async Task MutualTlsDeniesAClientTheServerDoesNotAllow()
    {
        TlsServerOptions options = ServerOptions();
        options.ClientCertificateMode = TlsClientCertificateMode.Required;
        options.ClientCertificateAuthorities = certificates.RootCollection;
        options.IsClientAllowed = (name, _) => name == "alice";
        int served = 0;
        await using TlsHarness server = await TlsHarness.StartAsync(options, connection =>
        {
            Interlocked.Increment(ref served);
            return EchoApplication.RunAsync(connection);
        });
        await using ChildPeer openssl = await RunClientAsync(server.Port, "let me in\n", "-servername", "localhost", "-cert", certificates.MalloryCertFile, "-key", certificates.MalloryKeyFile);

        TlsException error = await server.NextErrorAsync();
        await openssl.WaitForExitAsync();

        Assert.Equal(NetErrorCode.TlsClientRejected, error.Code);
        Assert.Equal("Client Rejected: mallory", error.Message);
        Assert.Equal("mallory", error.ClientName);
        Assert.Equal(0, served);
        Assert.DoesNotContain(openssl.Lines, l => l == "let me in");
    }

    [Fact]
    public async Task RejectClientAnswersTheRejectedClientBeforeClosing()
    {
        TlsServerOptions options = ServerOptions();
        options.ClientCertificateMode = TlsClientCertificateMode.Requested;
        options.ClientCertificateAuthorities = certificates.RootCollection;
        options.IsClientAllowed = (name, _) => name == "alice";
        options.RejectClient = async (connection, name) => await connection.WriteTextAsync($"Sorry, you are not allowed, {name}\n");
        await using TlsHarness server = await TlsHarness.StartAsync(options);
        await using ChildPeer openssl = await RunClientAsync(server.Port, "", "-servername", "localhost", "-cert", certificates.MalloryCertFile, "-key", certificates.MalloryKeyFile);

        await openssl.WaitForLineAsync(l => l == "Sorry, you are not allowed, mallory");
        openssl.CloseInput();
        await openssl.WaitForExitAsync();
        Assert.False(server.TryGetError(out _));
    }

    [Fact]
    public async Task RequiredClientCertificateMissingFailsTheHandshakeAsUntrusted()
    {
        TlsServerOptions options = ServerOptions();
        options.ClientCertificateMode = TlsClientCertificateMode.Required;
        options.ClientCertificateAuthorities = certificates.RootCollection;
        await using TlsHarness server = await TlsHarness.StartAsync(options);
        await using ChildPeer openssl = await RunClientAsync(server.Port, "anon\n", "-servername", "localhost");

        TlsException error = await server.NextErrorAsync();
        openssl.CloseInput();
        await openssl.WaitForExitAsync();

        Assert.Equal(NetErrorCode.TlsUntrusted, error.Code);
        Assert.Contains("no certificate", error.Message);
    }

    [Fact]
    public async Task AClientCertificateFromAnotherCaIsRefusedUnlessRejectUnauthorizedIsOff()
    {
        // alice's root is not among the authorities: only the intermediate is trusted.
        TlsServerOptions strict = ServerOptions();
        strict.ClientCertificateMode = TlsClientCertificateMode.Required;
        strict.ClientCertificateAuthorities = [certificates.Stranger];
        await using (TlsHarness server = await TlsHarness.StartAsync(strict))
        {
            await using ChildPeer openssl = await RunClientAsync(server.Port, "a\n", "-servername", "localhost", "-cert", certificates.AliceCertFile, "-key", certificates.AliceKeyFile);
            TlsException error = await server.NextErrorAsync();
            openssl.CloseInput();
            await openssl.WaitForExitAsync();
            Assert.Equal(NetErrorCode.TlsUntrusted, error.Code);
        }

        TlsServerOptions lenient = ServerOptions();
        lenient.ClientCertificateMode = TlsClientCertificateMode.Required;
        lenient.ClientCertificateAuthorities = [certificates.Stranger];
        lenient.RejectUnauthorized = false;
        var verified = new TaskCompletionSource<(bool, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (TlsHarness server = await TlsHarness.StartAsync(lenient, async connection =>
        {
            IConnectionTlsFeature tls = connection.Features.Get<IConnectionTlsFeature>()!;
            verified.TrySetResult((tls.RemoteCertificateVerified, tls.RemoteName));
            await EchoApplication.RunAsync(connection);
        }))
        {
            await using ChildPeer openssl = await RunClientAsync(server.Port, "b\n", "-servername", "localhost", "-cert", certificates.AliceCertFile, "-key", certificates.AliceKeyFile);
            await openssl.WaitForLineAsync(l => l == "b");
            openssl.CloseInput();
            await openssl.WaitForExitAsync();
            Assert.Equal((false, "alice"), await verified.Task.WithTimeout());
        }
    }

    [Fact]
    public async Task ACertificateAddedToARunningServerServesTheNextHandshake()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        await using (ChildPeer before = await RunClientAsync(server.Port, "1\n", "-servername", "late.test"))
        {
            await before.WaitForLineAsync(l => l == "1");
            before.CloseInput();
            await before.WaitForExitAsync();
            Assert.Contains("subject=CN = localhost", before.Output);
        }

        server.Options.AddCertificate("late.test", certificates.Late.CertificatePem, certificates.Late.KeyPem);

        await using ChildPeer after = await RunClientAsync(server.Port, "2\n", "-servername", "late.test");
        await after.WaitForLineAsync(l => l == "2");
        after.CloseInput();
        await after.WaitForExitAsync();
        Assert.Contains("subject=CN = late.test", after.Output);
    }

    [Fact]
    public async Task ATls11ClientIsRefusedWithProtocolUnsupported()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        await using ChildPeer openssl = ChildPeer.Start("openssl", "s_client", "-connect", $"127.0.0.1:{server.Port}", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        openssl.CloseInput();
        await openssl.WaitForExitAsync();

        TlsException error = await server.NextErrorAsync();
        Assert.Equal(NetErrorCode.TlsProtocolUnsupported, error.Code);
        Assert.Contains(openssl.Lines, l => l.Contains("alert protocol version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResumesTls12SessionsById()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        await using ChildPeer openssl = ChildPeer.Start("stdbuf", "-oL", "openssl", "s_client", "-connect", $"127.0.0.1:{server.Port}", "-servername", "localhost", "-tls1_2", "-reconnect");
        openssl.CloseInput();
        await openssl.WaitForExitAsync();

        Assert.Contains(openssl.Lines, l => l.StartsWith("Reused, TLSv1.2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResumesTls13SessionsFromATicket()
    {
        await using TlsHarness server = await TlsHarness.StartAsync(ServerOptions());
        string session = certificates.Path2($"session-{Guid.NewGuid():N}.pem");

        // The tickets come after the handshake: wait for the echo (they precede it) before the first client leaves.
        await using (ChildPeer first = await RunClientAsync(server.Port, "one\n", "-servername", "localhost", "-sess_out", session))
        {
            await first.WaitForLineAsync(l => l == "one");
            first.CloseInput();
            await first.WaitForExitAsync();
            Assert.Contains(first.Lines, l => l.StartsWith("New, TLSv1.3", StringComparison.Ordinal));
        }

        await using ChildPeer second = await RunClientAsync(server.Port, "two\n", "-servername", "localhost", "-sess_in", session);
        await second.WaitForLineAsync(l => l == "two");
        second.CloseInput();
        await second.WaitForExitAsync();
        Assert.Contains(second.Lines, l => l.StartsWith("Reused, TLSv1.3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASelectorCallbackChoosesFirstAndFallsBackToTheTable()
    {
        TlsServerOptions options = ServerOptions();
        TlsCertificate late = TlsCertificate.FromPem(certificates.Late.CertificatePem, certificates.Late.KeyPem);
        var asked = new List<string?>();
        options.ServerCertificateSelector = (_, name) =>
        {
            lock (asked)
            {
                asked.Add(name);
            }

            return name == "picked.test" ? late : null;
        };
        await using TlsHarness server = await TlsHarness.StartAsync(options);

        foreach ((string name, string subject) in new[] { ("picked.test", "CN = late.test"), ("other.test", "CN = other.test") })
        {
            await using ChildPeer openssl = await RunClientAsync(server.Port, "s\n", "-servername", name);
            await openssl.WaitForLineAsync(l => l == "s");
            openssl.CloseInput();
            await openssl.WaitForExitAsync();
            Assert.Contains($"subject={subject}", openssl.Output);
        }

        Assert.Equal(["picked.test", "other.test"], asked);
    }
}
