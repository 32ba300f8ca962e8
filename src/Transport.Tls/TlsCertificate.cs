using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PipeNet.Transport.Tls;

/// <summary>
/// A certificate with its private key and the intermediate certificates sent with it (the rest of a
/// <c>fullchain.pem</c>). Loaded once at configuration time: a bad file, a wrong passphrase or a key that
/// does not match the certificate throws <see cref="TlsException"/> (<c>TLS_CERTIFICATE_INVALID</c>) naming the file.
/// </summary>
/// <remarks>
/// The <see cref="SslStreamCertificateContext"/> built from it is kept and reused by every handshake, which
/// is also what lets the platform resume TLS sessions.
/// </remarks>
public sealed class TlsCertificate
{
    private readonly Lazy<SslStreamCertificateContext> _context;

    private TlsCertificate(X509Certificate2 certificate, X509Certificate2Collection intermediates)
    {
        Certificate = certificate;
        Intermediates = intermediates;
        _context = new Lazy<SslStreamCertificateContext>(() => SslStreamCertificateContext.Create(Certificate, Intermediates, offline: true));
    }

    /// <summary>The leaf certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The intermediate certificates sent after the leaf (may be empty).</summary>
    public X509Certificate2Collection Intermediates { get; }

    /// <summary>The certificate's common name (the subject's CN), or its first DNS name when it has no CN.</summary>
    public string Name => GetName(Certificate);

    internal SslStreamCertificateContext Context => _context.Value;

    /// <summary>
    /// Loads a PEM certificate file (a single certificate or a full chain, leaf first) and a PEM private key file
    /// (PKCS#1, PKCS#8 or an encrypted PKCS#8 key when <paramref name="passphrase"/> is given).
    /// </summary>
    /// <param name="certificateFile">The certificate or full-chain file, for example <c>fullchain.pem</c>.</param>
    /// <param name="keyFile">The key file, for example <c>privkey.pem</c>; <c>null</c> when the key is in <paramref name="certificateFile"/>.</param>
    /// <param name="passphrase">The key's passphrase, or <c>null</c>.</param>
    /// <returns>The certificate.</returns>
    /// <exception cref="ArgumentException"><paramref name="certificateFile"/> is empty.</exception>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>: a file is missing, unreadable or not PEM, the passphrase is wrong, or the key does not match.</exception>
    public static TlsCertificate FromPemFiles(string certificateFile, string? keyFile = null, string? passphrase = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificateFile);
        string certificatePem = ReadFile(certificateFile, "certificate");
        string keyPem = keyFile is null ? certificatePem : ReadFile(keyFile, "key");
        return FromPemCore(certificatePem, keyPem, passphrase, $"certificate file '{certificateFile}'", $"key file '{keyFile ?? certificateFile}'");
    }

    /// <summary>
    /// Loads a certificate and key each given as a file path or as PEM text (cio's file-or-buffer convenience):
    /// text containing <c>-----BEGIN </c> is PEM, anything else a path.
    /// </summary>
    /// <param name="certificate">A PEM certificate (or full chain) file, or the PEM text.</param>
    /// <param name="key">A PEM key file, or the PEM text.</param>
    /// <param name="passphrase">The key's passphrase, or <c>null</c>.</param>
    /// <returns>The certificate.</returns>
    /// <exception cref="ArgumentException">An argument is empty.</exception>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>, naming the file.</exception>
    public static TlsCertificate Load(string certificate, string key, string? passphrase = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificate);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        bool certificateIsPem = IsPemText(certificate);
        bool keyIsPem = IsPemText(key);
        if (!certificateIsPem && !keyIsPem)
        {
            return FromPemFiles(certificate, key, passphrase);
        }

        string certificatePem = certificateIsPem ? certificate : ReadFile(certificate, "certificate");
        string keyPem = keyIsPem ? key : ReadFile(key, "key");
        return FromPemCore(certificatePem, keyPem, passphrase,
            certificateIsPem ? "certificate PEM" : $"certificate file '{certificate}'", keyIsPem ? "key PEM" : $"key file '{key}'");
    }

    /// <summary>Loads a certificate (or full chain) and its key from PEM text in memory.</summary>
    /// <param name="certificatePem">The certificate or chain, PEM.</param>
    /// <param name="keyPem">The private key, PEM; <c>null</c> when it is in <paramref name="certificatePem"/>.</param>
    /// <param name="passphrase">The key's passphrase, or <c>null</c>.</param>
    /// <returns>The certificate.</returns>
    /// <exception cref="ArgumentException"><paramref name="certificatePem"/> is empty.</exception>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>: not PEM, wrong passphrase, or mismatched key.</exception>
    public static TlsCertificate FromPem(string certificatePem, string? keyPem = null, string? passphrase = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificatePem);
        return FromPemCore(certificatePem, keyPem ?? certificatePem, passphrase, "certificate PEM", "key PEM");
    }

    /// <summary>
    /// Loads a certificate from bytes in memory: PEM text (certificate, optionally followed by the key) or a
    /// PKCS#12 (<c>.pfx</c>) blob, told apart by their content (cio's "buffer" form).
    /// </summary>
    /// <param name="certificate">The certificate bytes.</param>
    /// <param name="key">The PEM key bytes, when separate; ignored for PKCS#12.</param>
    /// <param name="passphrase">The key's or the PKCS#12 file's passphrase, or <c>null</c>.</param>
    /// <returns>The certificate.</returns>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>.</exception>
    public static TlsCertificate FromBytes(ReadOnlySpan<byte> certificate, ReadOnlySpan<byte> key = default, string? passphrase = null)
    {
        if (certificate.IsEmpty)
        {
            throw new ArgumentException("The certificate bytes are empty.", nameof(certificate));
        }

        if (LooksLikePem(certificate))
        {
            string keyPem = key.IsEmpty ? Encoding.ASCII.GetString(certificate) : Encoding.ASCII.GetString(key);
            return FromPemCore(Encoding.ASCII.GetString(certificate), keyPem, passphrase, "certificate PEM", "key PEM");
        }

        return FromPkcs12Core(certificate, passphrase, "PKCS#12 data");
    }

    /// <summary>Loads a PKCS#12 (<c>.pfx</c>/<c>.p12</c>) file: certificate, key and any intermediates.</summary>
    /// <param name="file">The file.</param>
    /// <param name="password">Its password, or <c>null</c>.</param>
    /// <returns>The certificate.</returns>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>: unreadable, not PKCS#12, wrong password, or no private key.</exception>
    public static TlsCertificate FromPkcs12File(string file, string? password = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Invalid($"PKCS#12 file '{file}': {ex.Message}", ex);
        }

        return FromPkcs12Core(bytes, password, $"PKCS#12 file '{file}'");
    }

    /// <summary>Wraps a certificate that already has its private key.</summary>
    /// <param name="certificate">The leaf certificate, with a private key.</param>
    /// <param name="intermediates">Intermediates to send after it, or <c>null</c>.</param>
    /// <returns>The certificate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is <c>null</c>.</exception>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>: the certificate has no private key.</exception>
    public static TlsCertificate FromCertificate(X509Certificate2 certificate, X509Certificate2Collection? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw Invalid($"certificate '{certificate.Subject}' has no private key; a server or client certificate needs one.");
        }

        return new TlsCertificate(certificate, intermediates ?? []);
    }

    /// <summary>
    /// Loads certificate authorities from a PEM bundle file (rampart's <c>cacert</c>, cio's <c>ca</c>/<c>root</c>).
    /// </summary>
    /// <param name="file">The bundle.</param>
    /// <returns>The certificates, at least one.</returns>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>: unreadable or holds no certificate.</exception>
    public static X509Certificate2Collection LoadAuthorities(string file)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        string pem = ReadFile(file, "CA");
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw Invalid($"CA file '{file}': {ex.Message}", ex);
        }

        return collection.Count > 0 ? collection : throw Invalid($"CA file '{file}' holds no PEM certificate.");
    }

    /// <summary>
    /// Loads every PEM certificate in a directory (rampart's <c>capath</c>): each regular file is read, files
    /// without a certificate are skipped (OpenSSL's hash links point at the same files and add nothing new).
    /// </summary>
    /// <param name="directory">The directory.</param>
    /// <returns>The certificates, at least one.</returns>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>: missing directory, or no certificate in it.</exception>
    public static X509Certificate2Collection LoadAuthorityDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw Invalid($"CA directory '{directory}' does not exist.");
        }

        var collection = new X509Certificate2Collection();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // An unreadable file in a CA directory trusts nothing; the others still count.
            }

            if (!text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                continue;
            }

            var fromFile = new X509Certificate2Collection();
            try
            {
                fromFile.ImportFromPem(text);
            }
            catch (CryptographicException ex)
            {
                throw Invalid($"CA file '{file}': {ex.Message}", ex);
            }

            foreach (X509Certificate2 certificate in fromFile)
            {
                if (seen.Add(certificate.Thumbprint))
                {
                    collection.Add(certificate);
                }
            }
        }

        return collection.Count > 0 ? collection : throw Invalid($"CA directory '{directory}' holds no PEM certificate.");
    }

    /// <summary>The name PipeNet gives a certificate's owner: the subject's CN, else the first DNS SAN, else the whole subject.</summary>
    internal static string GetName(X509Certificate2 certificate)
    {
        foreach (X500RelativeDistinguishedName rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.GetSingleElementType().Value == "2.5.4.3" && rdn.GetSingleElementValue() is { Length: > 0 } cn)
            {
                return cn;
            }
        }

        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                foreach (string dns in san.EnumerateDnsNames())
                {
                    return dns;
                }
            }
        }

        return certificate.Subject;
    }

    private static TlsCertificate FromPemCore(string certificatePem, string keyPem, string? passphrase, string certificateSource, string keySource)
    {
        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPem(certificatePem);
        }
        catch (CryptographicException ex)
        {
            throw Invalid($"{certificateSource}: {ex.Message}", ex);
        }

        if (all.Count == 0)
        {
            throw Invalid($"{certificateSource} holds no PEM certificate (expected '-----BEGIN CERTIFICATE-----').");
        }

        bool encrypted = keyPem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        if (!encrypted && !keyPem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw Invalid($"{keySource} holds no PEM private key (expected '-----BEGIN PRIVATE KEY-----' or a variant).");
        }

        if (encrypted && passphrase is null)
        {
            throw Invalid($"{keySource} is encrypted; a passphrase is needed.");
        }

        X509Certificate2 leaf;
        string leafPem = all[0].ExportCertificatePem();
        try
        {
            leaf = encrypted
                ? X509Certificate2.CreateFromEncryptedPem(leafPem, keyPem, passphrase)
                : X509Certificate2.CreateFromPem(leafPem, keyPem);
        }
        catch (Exception ex) when (encrypted && ex is CryptographicException or ArgumentException)
        {
            throw Invalid($"{keySource}: the passphrase is wrong or the key does not match {certificateSource} ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw Invalid($"{keySource}: the key does not match {certificateSource} or cannot be read ({ex.Message})", ex);
        }

        var intermediates = new X509Certificate2Collection();
        for (int i = 1; i < all.Count; i++)
        {
            intermediates.Add(all[i]);
        }

        return new TlsCertificate(leaf, intermediates);
    }

    private static TlsCertificate FromPkcs12Core(ReadOnlySpan<byte> data, string? password, string source)
    {
        X509Certificate2Collection all;
        try
        {
            all = X509CertificateLoader.LoadPkcs12Collection(data, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException ex)
        {
            throw Invalid($"{source}: not PKCS#12, or the password is wrong ({ex.Message})", ex);
        }

        X509Certificate2? leaf = null;
        var intermediates = new X509Certificate2Collection();
        foreach (X509Certificate2 certificate in all)
        {
            if (leaf is null && certificate.HasPrivateKey)
            {
                leaf = certificate;
            }
            else
            {
                intermediates.Add(certificate);
            }
        }

        return leaf is null ? throw Invalid($"{source} holds no certificate with a private key.") : new TlsCertificate(leaf, intermediates);
    }

    private static string ReadFile(string file, string what)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Invalid($"{what} file '{file}': {ex.Message}", ex);
        }
    }

    private static bool IsPemText(string text) => text.Contains("-----BEGIN ", StringComparison.Ordinal);

    private static bool LooksLikePem(ReadOnlySpan<byte> data) => data.IndexOf("-----BEGIN "u8) >= 0;

    private static TlsException Invalid(string message, Exception? inner = null) =>
        new(NetErrorCode.TlsCertificateInvalid, message, inner);
}
