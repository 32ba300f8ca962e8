using System.Security.Cryptography.X509Certificates;
using System.Text;
using PipeNet.Transport.Tls;

namespace PipeNet;

/// <summary>
/// A certificate, key or CA given the way cio takes them: a file path, PEM text, or bytes already in memory (PEM or, for
/// a certificate, PKCS#12; for a CA, DER). A string converts implicitly (text containing <c>-----BEGIN </c> is PEM,
/// anything else a path), and so does a byte array.
/// </summary>
public sealed class TlsMaterial
{
    private readonly string? _text;
    private readonly byte[]? _bytes;

    private TlsMaterial(string? text, byte[]? bytes)
    {
        _text = text;
        _bytes = bytes;
    }

    /// <summary>Material from a file path or PEM text.</summary>
    /// <param name="pathOrPem">The path, or the PEM text.</param>
    /// <returns>The material.</returns>
    /// <exception cref="ArgumentException">Empty.</exception>
    public static TlsMaterial FromText(string pathOrPem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrPem);
        return new(pathOrPem, null);
    }

    /// <summary>Material from bytes in memory (cio's "buffer").</summary>
    /// <param name="bytes">The bytes; copied.</param>
    /// <returns>The material.</returns>
    /// <exception cref="ArgumentException">Empty.</exception>
    public static TlsMaterial FromBytes(ReadOnlySpan<byte> bytes) =>
        bytes.IsEmpty ? throw new ArgumentException("The TLS material is empty.", nameof(bytes)) : new(null, bytes.ToArray());

    /// <summary>Converts a file path or PEM text.</summary>
    /// <param name="pathOrPem">The path or PEM text.</param>
    public static implicit operator TlsMaterial(string pathOrPem) => FromText(pathOrPem);

    /// <summary>Converts bytes in memory.</summary>
    /// <param name="bytes">The bytes.</param>
    public static implicit operator TlsMaterial(byte[] bytes) => FromBytes(bytes);

    /// <summary>Loads a certificate and its key, naming the file that is wrong when one is.</summary>
    internal static TlsCertificate LoadCertificate(TlsMaterial certificate, TlsMaterial key, string? passphrase) =>
        certificate._text is { } certificateText && key._text is { } keyText
            ? TlsCertificate.Load(certificateText, keyText, passphrase)
            : TlsCertificate.FromBytes(certificate.Bytes("certificate"), key.Bytes("key"), passphrase);

    /// <summary>Loads every CA certificate of every piece of material.</summary>
    internal static X509Certificate2Collection LoadAuthorities(IEnumerable<TlsMaterial> authorities)
    {
        var collection = new X509Certificate2Collection();
        foreach (TlsMaterial authority in authorities)
        {
            if (authority._text is { } text && !IsPem(text))
            {
                collection.AddRange(TlsCertificate.LoadAuthorities(text));
            }
            else if (authority._text is { } pem)
            {
                collection.ImportFromPem(pem);
            }
            else if (IsPem(Encoding.ASCII.GetString(authority._bytes!)))
            {
                collection.ImportFromPem(Encoding.ASCII.GetString(authority._bytes!));
            }
            else
            {
                collection.Add(X509CertificateLoader.LoadCertificate(authority._bytes!));
            }
        }

        return collection;
    }

    private static bool IsPem(string text) => text.Contains("-----BEGIN ", StringComparison.Ordinal);

    private byte[] Bytes(string what)
    {
        if (_bytes is not null)
        {
            return _bytes;
        }

        if (IsPem(_text!))
        {
            return Encoding.ASCII.GetBytes(_text!);
        }

        try
        {
            return File.ReadAllBytes(_text!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TlsException(NetErrorCode.TlsCertificateInvalid, $"The {what} file '{_text}' cannot be read: {ex.Message}", ex);
        }
    }
}
