using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using PipeNet.Transport.Tcp;

namespace PipeNet.Transport.Tls.Tests;

public sealed class TlsClientTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    [Fact]
    public async Task AServerThatNeverAnswersTheHelloTimesOutOnTheClientsClock()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen();
        var clock = new FakeTimeProvider();
        using var connector = new TcpConnector();
        var connection = await connector.ConnectAsync(silent.LocalEndPoint!).WithTimeout();
        using Socket accepted = await silent.AcceptAsync().WithTimeout();

        Task<Microsoft.AspNetCore.Connections.ConnectionContext> handshake = TlsClient.AuthenticateAsync(connection, new TlsClientOptions { TimeProvider = clock, HandshakeTimeout = TimeSpan.FromSeconds(5) }, "localhost");
        byte[] hello = new byte[5];
        Assert.Equal(5, await accepted.ReceiveAsync(hello).WithTimeout()); // the hello went out; no answer comes
        Assert.Equal(0x16, hello[0]);
        Assert.False(handshake.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(handshake.IsCompleted);
        await Until.TrueAsync(() =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(250));
            return handshake.IsCompleted;
        }, "the client's handshake timed out");

        TlsException error = await Assert.ThrowsAsync<TlsException>(() => handshake);
        Assert.Equal(NetErrorCode.TlsHandshakeTimeout, error.Code);
    }

    [Fact]
    public async Task AClientCertificateTheServerDoesNotTrustFailsTheHandshakeOnBothSides()
    {
        var options = new TlsServerOptions
        {
            ServerCertificate = TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.ServerKeyFile),
            ClientCertificateMode = TlsClientCertificateMode.Required,
            ClientCertificateAuthorities = [certificates.Stranger],
        };
        await using TlsHarness server = await TlsHarness.StartAsync(options);
        var client = new TlsClientOptions { CaFile = certificates.RootCaFile, ClientCertificate = TlsCertificate.FromPemFiles(certificates.AliceCertFile, certificates.AliceKeyFile) };

        // TLS 1.3: the client finishes first and learns of the refusal on its first read.
        try
        {
            await using var connection = await server.ConnectAsync(client, "localhost");
            await connection.WriteTextAsync("x");
            byte[] data;
            try
            {
                data = await connection.ReadBytesAsync(1);
            }
            catch (IOException)
            {
                data = []; // the alert, as an error
            }

            Assert.Empty(data); // the server ended the connection without a byte of application data
        }
        catch (TlsException ex)
        {
            Assert.Equal(NetErrorCode.TlsHandshakeFailed, ex.Code);
        }

        Assert.Equal(NetErrorCode.TlsUntrusted, (await server.NextErrorAsync()).Code);
    }
}
