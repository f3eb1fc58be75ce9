using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Engine.Bonding;

/// <summary>The hub's TLS certificate: self-signed, because edges pin it by the fingerprint the hub sends them.</summary>
public static class HubCertificate
{
    private const string Subject = "CN=" + HubWire.TlsHost;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// The certificate stored at <paramref name="path"/> (a PFX without password, readable by the owner only),
    /// created there on first use. A file that is present but unreadable is an error rather than replaced, so an
    /// operator notices instead of the hub silently changing its identity.
    /// </summary>
    public static X509Certificate2 LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            RestrictToOwner(path);
            return Load(File.ReadAllBytes(path), path);
        }

        var pfx = Create();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        // Written beside the target and renamed over it, so a crash never leaves a half-written key behind;
        // created 0600 (a stale temporary file is removed first, since the mode only applies on creation) so the key is
        // never readable by others, not even between the write and a chmod.
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }
        using (var file = new FileStream(temporary, options))
        {
            file.Write(pfx);
            file.Flush(flushToDisk: true);
        }
        RestrictToOwner(temporary);
        File.Move(temporary, path, overwrite: true);
        return Load(pfx, path);
    }

    /// <summary>SHA-256 of the certificate's DER encoding, as pinned by edges.</summary>
    public static byte[] Fingerprint(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return SHA256.HashData(certificate.GetRawCertData());
    }

    private static byte[] Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(HubWire.TlsHost);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        // Backdated a day so an edge whose clock runs a little behind does not see a certificate from the future.
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return certificate.Export(X509ContentType.Pkcs12);
    }

    private static X509Certificate2 Load(byte[] pfx, string path)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12(pfx, password: null, X509KeyStorageFlags.DefaultKeySet);
        }
        catch (CryptographicException ex)
        {
            throw new CryptographicException($"The hub certificate at {path} cannot be read; remove it to have a new one created", ex);
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new CryptographicException($"The hub certificate at {path} has no private key; remove it to have a new one created");
        }
        return certificate;
    }

    /// <summary>Tightens a key file that was left (or copied in) readable by others.</summary>
    private static void RestrictToOwner(string path)
    {
        if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(path) != OwnerOnly)
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }
}
