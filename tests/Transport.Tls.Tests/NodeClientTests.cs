using System.Net.Security;

namespace PipeNet.Transport.Tls.Tests;

/// <summary>Node's <c>tls</c> module as the client of a PipeNet TLS server.</summary>
public sealed class NodeClientTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private const string Script = """
        const tls = require('tls'); const fs = require('fs');
        const [port, ca, alpn] = process.argv.slice(1);
        const socket = tls.connect({ host: '127.0.0.1', port: +port, servername: 'localhost', ca: fs.readFileSync(ca), ALPNProtocols: [alpn] }, () => {
          console.log('authorized ' + socket.authorized);
          console.log('protocol ' + socket.getProtocol());
          console.log('cipher ' + socket.getCipher().standardName);
          console.log('alpn ' + socket.alpnProtocol);
          socket.end('hello from node');
        });
        let data = '';
        socket.on('data', d => data += d);
        socket.on('end', () => console.log('echo ' + data));
        socket.on('error', e => { console.log('error ' + e.code); process.exit(1); });
        """;

    [Fact]
    public async Task ANodeTlsClientVerifiesNegotiatesAndGetsItsEcho()
    {
        var options = new TlsServerOptions { ServerCertificate = TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.ServerKeyFile) };
        options.ApplicationProtocols.Add(new SslApplicationProtocol("pipenet/1"));
        await using TlsHarness server = await TlsHarness.StartAsync(options);
        await using ChildPeer node = ChildPeer.Start("node", "-e", Script, "--", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), certificates.RootCaFile, "pipenet/1");

        Assert.True(await node.WaitForExitAsync() == 0, node.Output);

        Assert.Contains("authorized true", node.Lines);
        Assert.Contains("protocol TLSv1.3", node.Lines);
        Assert.Contains(node.Lines, l => l.StartsWith("cipher TLS_AES_", StringComparison.Ordinal));
        Assert.Contains("alpn pipenet/1", node.Lines);
        Assert.Contains("echo hello from node", node.Lines);
    }
}
