namespace Appliance.Engine.IntegrationTests.Firmware;

/// <summary>A test CA and a signing certificate made by openssl (no codeSigning usage: RAUC rejects it).</summary>
internal sealed record RaucKeys(string CaCert, string SignCert, string SignKey)
{
    public static async Task<RaucKeys> CreateAsync(string dir, string name, CancellationToken ct)
    {
        var caKey = Path.Combine(dir, $"{name}-ca.key.pem");
        var caCert = Path.Combine(dir, $"{name}-ca.cert.pem");
        var key = Path.Combine(dir, $"{name}-sign.key.pem");
        var csr = Path.Combine(dir, $"{name}-sign.csr");
        var cert = Path.Combine(dir, $"{name}-sign.cert.pem");
        var ext = Path.Combine(dir, $"{name}-ext.cnf");
        await TestProcess.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", caCert,
            "-subj", $"/CN={name} test CA", "-days", "2", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign"], ct);
        await TestProcess.RunAsync("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", $"/CN={name} test signer"], ct);
        await File.WriteAllTextAsync(ext, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n", ct);
        await TestProcess.RunAsync("openssl", ["x509", "-req", "-in", csr, "-CA", caCert, "-CAkey", caKey, "-CAcreateserial",
            "-out", cert, "-days", "2", "-extfile", ext], ct);
        return new RaucKeys(caCert, cert, key);
    }
}
