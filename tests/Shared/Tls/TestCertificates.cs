using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PipeNet.Tests;

/// <summary>
/// Certificates generated at test time (none are committed): a root CA, an intermediate, servers (localhost
/// with SANs for 127.0.0.1 and ::1, another host, a wildcard, an expired one, a wrong-host one) and clients.
/// PEM copies are written to a temporary directory for openssl and node; it is deleted on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string Passphrase = "correct horse";

    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("pipenet-tls-").FullName;
        DateTimeOffset now = DateTimeOffset.UtcNow;

        (RootCa, ECDsa rootKey) = CreateCa("CN=PipeNet Test Root CA", null, null, now.AddDays(-365), now.AddDays(365));
        (Intermediate, ECDsa intermediateKey) = CreateCa("CN=PipeNet Test Intermediate", RootCa, rootKey, now.AddDays(-300), now.AddDays(300));

        Server = Issue("CN=localhost", ["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], Intermediate, intermediateKey, serverAuth: true, now.AddDays(-1), now.AddDays(30));
        Other = Issue("CN=other.test", ["other.test", "*.wild.test"], [], Intermediate, intermediateKey, serverAuth: true, now.AddDays(-1), now.AddDays(30));
        Late = Issue("CN=late.test", ["late.test"], [], Intermediate, intermediateKey, serverAuth: true, now.AddDays(-1), now.AddDays(30));
        Expired = Issue("CN=localhost", ["localhost"], [IPAddress.Loopback], Intermediate, intermediateKey, serverAuth: true, now.AddDays(-30), now.AddDays(-1));
        WrongHost = Issue("CN=wrong.example", ["wrong.example"], [], Intermediate, intermediateKey, serverAuth: true, now.AddDays(-1), now.AddDays(30));
        Alice = Issue("CN=alice", [], [], RootCa, rootKey, serverAuth: false, now.AddDays(-1), now.AddDays(30));
        Mallory = Issue("CN=mallory", [], [], RootCa, rootKey, serverAuth: false, now.AddDays(-1), now.AddDays(30));
        (Stranger, _) = CreateCa("CN=Stranger Self-Signed", null, null, now.AddDays(-1), now.AddDays(30));

        RootCaFile = Write("root-ca.pem", RootCa.ExportCertificatePem());
        IntermediateFile = Write("intermediate.pem", Intermediate.ExportCertificatePem());
        ServerChainFile = Write("server-fullchain.pem", Server.Certificate.ExportCertificatePem() + "\n" + Intermediate.ExportCertificatePem());
        ServerKeyFile = Write("server-key.pem", Server.KeyPem);
        ServerEncryptedKeyFile = Write("server-key-encrypted.pem", Server.Key.ExportEncryptedPkcs8PrivateKeyPem(Passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));
        OtherChainFile = Write("other-fullchain.pem", Other.Certificate.ExportCertificatePem() + "\n" + Intermediate.ExportCertificatePem());
        OtherKeyFile = Write("other-key.pem", Other.KeyPem);
        ExpiredChainFile = Write("expired-fullchain.pem", Expired.Certificate.ExportCertificatePem() + "\n" + Intermediate.ExportCertificatePem());
        ExpiredKeyFile = Write("expired-key.pem", Expired.KeyPem);
        WrongHostChainFile = Write("wrong-fullchain.pem", WrongHost.Certificate.ExportCertificatePem() + "\n" + Intermediate.ExportCertificatePem());
        WrongHostKeyFile = Write("wrong-key.pem", WrongHost.KeyPem);
        AliceCertFile = Write("alice.pem", Alice.Certificate.ExportCertificatePem());
        AliceKeyFile = Write("alice-key.pem", Alice.KeyPem);
        MalloryCertFile = Write("mallory.pem", Mallory.Certificate.ExportCertificatePem());
        MalloryKeyFile = Write("mallory-key.pem", Mallory.KeyPem);
        CaDirectory = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "capath")).FullName;
        File.WriteAllText(Path.Combine(CaDirectory, "root-ca.pem"), RootCa.ExportCertificatePem());
        File.WriteAllText(Path.Combine(CaDirectory, "README"), "not a certificate");
    }

    public string Directory { get; }

    public X509Certificate2 RootCa { get; }

    public X509Certificate2 Intermediate { get; }

    public X509Certificate2 Stranger { get; }

    public Issued Server { get; }

    public Issued Other { get; }

    public Issued Late { get; }

    public Issued Expired { get; }

    public Issued WrongHost { get; }

    public Issued Alice { get; }

    public Issued Mallory { get; }

    public string RootCaFile { get; }

    public string CaDirectory { get; }

    public string IntermediateFile { get; }

    public string ServerChainFile { get; }

    public string ServerKeyFile { get; }

    public string ServerEncryptedKeyFile { get; }

    public string OtherChainFile { get; }

    public string OtherKeyFile { get; }

    public string ExpiredChainFile { get; }

    public string ExpiredKeyFile { get; }

    public string WrongHostChainFile { get; }

    public string WrongHostKeyFile { get; }

    public string AliceCertFile { get; }

    public string AliceKeyFile { get; }

    public string MalloryCertFile { get; }

    public string MalloryKeyFile { get; }

    public X509Certificate2Collection RootCollection => [RootCa];

    public string Path2(string name) => Path.Combine(Directory, name);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (X509Certificate2 Certificate, ECDsa Key) CreateCa(string subject, X509Certificate2? issuer, ECDsa? issuerKey, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, issuer is not null, issuer is null ? 0 : 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer is null)
        {
            return (request.CreateSelfSigned(notBefore, notAfter), key);
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using X509Certificate2 signed = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey!), notBefore, notAfter, Serial());
        return (signed.CopyWithPrivateKey(key), key);
    }

    private static Issued Issue(string subject, string[] dnsNames, IPAddress[] addresses, X509Certificate2 issuer, ECDsa issuerKey, bool serverAuth, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (dnsNames.Length + addresses.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (string dns in dnsNames)
            {
                san.AddDnsName(dns);
            }

            foreach (IPAddress address in addresses)
            {
                san.AddIpAddress(address);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        using X509Certificate2 signed = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), notBefore, notAfter, Serial());
        return new Issued(signed.CopyWithPrivateKey(key), key);
    }

    private static byte[] Serial()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01); // positive and non-zero, as RFC 5280 wants
        return serial;
    }

    /// <summary>An issued certificate with its key.</summary>
    public sealed record Issued(X509Certificate2 Certificate, ECDsa Key)
    {
        public string KeyPem => Key.ExportPkcs8PrivateKeyPem();

        public string CertificatePem => Certificate.ExportCertificatePem();
    }
}
