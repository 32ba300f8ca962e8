using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Transport.Tls.Tests;

public sealed class TlsCertificateTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    [Fact]
    public void LoadsAFullChainWithItsIntermediate()
    {
        TlsCertificate certificate = TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.ServerKeyFile);

        Assert.True(certificate.Certificate.HasPrivateKey);
        Assert.Equal("localhost", certificate.Name);
        Assert.Equal(certificates.Intermediate.Thumbprint, Assert.Single(certificate.Intermediates).Thumbprint);
    }

    [Fact]
    public void LoadsAPassphraseProtectedKey()
    {
        TlsCertificate certificate = TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.ServerEncryptedKeyFile, TestCertificates.Passphrase);
        Assert.True(certificate.Certificate.HasPrivateKey);
    }

    [Fact]
    public void AWrongPassphraseFailsNamingTheKeyFile()
    {
        TlsException error = Assert.Throws<TlsException>(() => TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.ServerEncryptedKeyFile, "wrong"));
        Assert.Equal(NetErrorCode.TlsCertificateInvalid, error.Code);
        Assert.Contains(certificates.ServerEncryptedKeyFile, error.Message);
        Assert.Contains("passphrase", error.Message);
    }

    [Fact]
    public void AnEncryptedKeyWithoutAPassphraseFailsSayingSo()
    {
        TlsException error = Assert.Throws<TlsException>(() => TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.ServerEncryptedKeyFile));
        Assert.Contains("passphrase is needed", error.Message);
    }

    [Fact]
    public void AKeyThatDoesNotMatchTheCertificateFailsNamingBothFiles()
    {
        TlsException error = Assert.Throws<TlsException>(() => TlsCertificate.FromPemFiles(certificates.ServerChainFile, certificates.OtherKeyFile));
        Assert.Equal(NetErrorCode.TlsCertificateInvalid, error.Code);
        Assert.Contains(certificates.OtherKeyFile, error.Message);
        Assert.Contains(certificates.ServerChainFile, error.Message);
    }

    [Fact]
    public void AMissingOrNonPemFileFailsNamingIt()
    {
        string missing = certificates.Path2("missing.pem");
        Assert.Contains(missing, Assert.Throws<TlsException>(() => TlsCertificate.FromPemFiles(missing, certificates.ServerKeyFile)).Message);

        string text = certificates.Path2("text.pem");
        File.WriteAllText(text, "not a certificate");
        TlsException error = Assert.Throws<TlsException>(() => TlsCertificate.FromPemFiles(text, certificates.ServerKeyFile));
        Assert.Contains(text, error.Message);
        Assert.Contains("no PEM certificate", error.Message);
    }

    [Fact]
    public async Task ServesFromPkcs12AndFromPemBytesInMemory()
    {
        byte[] pfx = new X509Certificate2Collection { certificates.Server.Certificate, certificates.Intermediate }.Export(X509ContentType.Pkcs12, "pfx-pass")!;
        string pfxFile = certificates.Path2("server.pfx");
        await File.WriteAllBytesAsync(pfxFile, pfx);
        TlsCertificate fromPfx = TlsCertificate.FromPkcs12File(pfxFile, "pfx-pass");
        Assert.Equal(NetErrorCode.TlsCertificateInvalid, Assert.Throws<TlsException>(() => TlsCertificate.FromPkcs12File(pfxFile, "nope")).Code);

        byte[] pem = Encoding.ASCII.GetBytes(certificates.Server.CertificatePem + "\n" + certificates.Intermediate.ExportCertificatePem());
        TlsCertificate fromBytes = TlsCertificate.FromBytes(pem, Encoding.ASCII.GetBytes(certificates.Server.KeyPem));
        Assert.Single(fromBytes.Intermediates);

        foreach (TlsCertificate certificate in new[] { fromPfx, fromBytes, TlsCertificate.FromCertificate(certificates.Server.Certificate, [certificates.Intermediate]) })
        {
            await using TlsHarness server = await TlsHarness.StartAsync(new TlsServerOptions { ServerCertificate = certificate });
            await using ConnectionContext client = await server.ConnectAsync(new TlsClientOptions { CaFile = certificates.RootCaFile }, "localhost");
            await client.WriteTextAsync("ok");
            Assert.Equal("ok", await client.ReadTextAsync(2));
        }
    }

    [Fact]
    public void AddCertificateTakesFilePathsOrPemText()
    {
        var options = new TlsServerOptions();
        options.AddCertificate("a.test", certificates.OtherChainFile, certificates.OtherKeyFile);
        options.AddCertificate("b.test", certificates.Late.CertificatePem, certificates.Late.KeyPem);

        Assert.Equal("other.test", options.Select("a.test")!.Name);
        Assert.Equal("late.test", options.Select("B.TEST.")!.Name);
        Assert.Equal("other.test", options.Select("unknown")!.Name); // the first added is the default
    }

    [Fact]
    public void RefusesOldProtocolVersionsSayingWhy()
    {
#pragma warning disable CS0618, SYSLIB0039
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TlsServerOptions { MinVersion = SslProtocols.Tls11 });
        Assert.Contains("RFC 8996", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TlsClientOptions { MinVersion = SslProtocols.Tls });
#pragma warning restore CS0618, SYSLIB0039
        Assert.Contains("RFC 8996", Assert.Throws<ArgumentOutOfRangeException>(() => TlsProtocols.Parse("ssl3")).Message);
        Assert.Equal(SslProtocols.Tls12, TlsProtocols.Parse("tls1.2"));
        Assert.Equal(SslProtocols.Tls13, TlsProtocols.Parse("TLSv1.3"));
        Assert.Throws<ArgumentException>(() => TlsProtocols.Parse("tls9"));
    }

    [Fact]
    public void UseTlsWithoutACertificateFailsAtConfiguration()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => ConnectionPipeline.CreateBuilder().UseTls(new TlsServerOptions()));
        Assert.Contains("certificate", error.Message);
    }
}
