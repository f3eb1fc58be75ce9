using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Appliance.Engine.Security;

namespace Appliance.Engine.Bonding;

/// <summary>The hub's TLS certificate: self-signed, because edges pin it by the fingerprint the hub sends them.</summary>
public static class HubCertificate
{
    /// <summary>The certificate stored at <paramref name="path"/> (owner-only PFX), created there on first use.</summary>
    public static X509Certificate2 LoadOrCreate(string path) =>
        CertificateFile.LoadOrCreate(path, () => CertificateFile.SelfSigned(HubWire.TlsHost, [HubWire.TlsHost], []));

    /// <summary>SHA-256 of the certificate's DER encoding, as pinned by edges.</summary>
    public static byte[] Fingerprint(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return SHA256.HashData(certificate.GetRawCertData());
    }
}
