using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Engine.Security;

/// <summary>A certificate with its private key in a PFX file readable by its owner only (the hub's TLS key, the web UI's).</summary>
public static class CertificateFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// The certificate stored at <paramref name="path"/>, created there with <paramref name="create"/> on first use. A file
    /// that is present but unreadable is an error rather than replaced, so an operator notices instead of the
    /// appliance silently changing its identity.
    /// </summary>
    public static X509Certificate2 LoadOrCreate(string path, Func<byte[]> create)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            RestrictToOwner(path);
            return Load(File.ReadAllBytes(path), path);
        }
        var pfx = create();
        Write(path, pfx);
        return Load(pfx, path);
    }

    /// <summary>
    /// Writes a PFX beside the target and renames it over it, so a crash never leaves a half-written key behind; the
    /// file is created 0600 (a stale temporary is removed first, as the mode applies only on creation).
    /// </summary>
    public static void Write(string path, byte[] pfx)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
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
    }

    /// <summary>A self-signed server certificate (ECDSA P-256, 10 years, backdated a day for clocks that lag) as a PFX.</summary>
    public static byte[] SelfSigned(string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }
        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
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
            throw new CryptographicException($"The certificate at {path} cannot be read; remove it to have a new one created", ex);
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new CryptographicException($"The certificate at {path} has no private key; remove it to have a new one created");
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
