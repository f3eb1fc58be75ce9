using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Appliance.Engine.Security;

namespace Appliance.Web.Security;

/// <summary>
/// The web UI's HTTPS certificate: self-signed on first start (in the data directory), replaceable by an uploaded one
/// without a restart, since Kestrel asks for it on every handshake.
/// </summary>
public sealed class HttpsCertificate(string path)
{
    private volatile X509Certificate2 _current = CertificateFile.LoadOrCreate(path, () => CertificateFile.SelfSigned(
        Dns.GetHostName(), [Dns.GetHostName(), "localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback]));

    public X509Certificate2 Current => _current;

    public string Path => path;

    /// <summary>Installs a certificate and key given as PEM, after checking they belong together and are valid now.</summary>
    /// <exception cref="ArgumentException">The PEM is not a usable server certificate; nothing was changed.</exception>
    public X509Certificate2 Replace(string certificatePem, string privateKeyPem, DateTimeOffset now)
    {
        X509Certificate2 loaded;
        try
        {
            using var pem = X509Certificate2.CreateFromPem(certificatePem, privateKeyPem);
            // Re-imported from PKCS#12 so the key is usable by TLS on every platform, not only as an ephemeral key.
            loaded = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"The certificate and key could not be read as PEM or do not belong together: {ex.Message}", ex);
        }
        if (now < loaded.NotBefore || now > loaded.NotAfter)
        {
            loaded.Dispose();
            throw new ArgumentException($"The certificate is valid from {loaded.NotBefore:u} to {loaded.NotAfter:u}, not now.");
        }
        CertificateFile.Write(path, loaded.Export(X509ContentType.Pkcs12));
        _current = loaded;
        return loaded;
    }

    /// <summary>What the API shows of a certificate: never the key.</summary>
    public static CertificateInfo Describe(X509Certificate2 c) => new(
        c.Subject, c.Issuer, c.NotBefore.ToUniversalTime(), c.NotAfter.ToUniversalTime(),
        Convert.ToHexString(SHA256.HashData(c.RawData)), c.Subject == c.Issuer);
}

public sealed record CertificateInfo(string Subject, string Issuer, DateTime NotBefore, DateTime NotAfter, string Sha256Fingerprint, bool SelfSigned);
