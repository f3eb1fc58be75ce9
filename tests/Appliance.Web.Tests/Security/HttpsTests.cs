using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Appliance.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests.Security;

/// <summary>HTTPS by default: a self-signed certificate on first start, replaceable by upload; HTTP redirected except on loopback; security headers.</summary>
public sealed class HttpsTests : ApiTest
{
    [Fact]
    public async Task A_self_signed_certificate_is_made_on_first_start_and_kept_owner_only_in_the_data_directory()
    {
        var info = await Client.GetFromJsonAsync<JsonElement>("/api/v1/system/https-certificate", Ct);

        Assert.True(info.GetProperty("selfSigned").GetBoolean());
        var path = Path.Combine(Factory.DataDirectory, "https.pfx");
        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        Assert.True(Factory.Services.GetRequiredService<HttpsCertificate>().Current.HasPrivateKey);
    }

    [Fact]
    public async Task An_uploaded_certificate_replaces_it_and_a_bad_one_changes_nothing()
    {
        var https = Factory.Services.GetRequiredService<HttpsCertificate>();
        var before = https.Current.Thumbprint;
        using var bad = await Client.PutAsJsonAsync("/api/v1/system/https-certificate", new { certificatePem = "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----", privateKeyPem = "nope" }, Ct);
        await bad.ProblemAsync(HttpStatusCode.BadRequest, Ct);
        Assert.Equal(before, https.Current.Thumbprint);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=router.example.net", key, HashAlgorithmName.SHA256);
        using var issued = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        using var ok = await Client.PutAsJsonAsync("/api/v1/system/https-certificate", new { certificatePem = issued.ExportCertificatePem(), privateKeyPem = key.ExportPkcs8PrivateKeyPem() }, Ct);
        await ok.ExpectAsync(HttpStatusCode.OK, Ct);

        Assert.Equal(issued.Thumbprint, https.Current.Thumbprint);
        using var reloaded = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(Factory.DataDirectory, "https.pfx"), null);
        Assert.Equal(issued.Thumbprint, reloaded.Thumbprint);
        var audit = await Client.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=certificate", Ct);
        Assert.Contains("router.example.net", Assert.Single(audit.EnumerateArray()).GetProperty("details").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_from_the_network_is_redirected_to_https_but_loopback_is_served()
    {
        await using var lan = Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("https_port", "5443");
            b.ConfigureServices(s => s.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, ArrivesOnLanAddress>());
        });
        using var client = lan.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var fromLan = await client.GetAsync("/api/v1/status", Ct);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, fromLan.StatusCode);
        Assert.Equal("https://localhost:5443/api/v1/status", fromLan.Headers.Location?.ToString());
        // The in-memory server has no local address, which counts as the box itself: served, and asks for credentials.
        await (await Factory.CreateClient().GetAsync("/api/v1/status", Ct)).ProblemAsync(HttpStatusCode.Unauthorized, Ct);
    }

    [Fact]
    public void Only_loopback_counts_as_the_box_itself()
    {
        foreach (var (address, loopback) in new[] { ("127.0.0.1", true), ("::1", true), ("::ffff:127.0.0.1", true), ("198.51.100.1", false), ("2001:db8::1", false) })
        {
            var context = new DefaultHttpContext();
            context.Connection.LocalIpAddress = IPAddress.Parse(address);
            Assert.Equal(loopback, SecurityServiceCollectionExtensions.ArrivedOnLoopback(context));
        }
    }

    [Fact]
    public async Task Every_answer_carries_the_security_headers()
    {
        foreach (var path in new[] { "/api/v1/status", "/login", "/healthz" })
        {
            using var response = await Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync(path, Ct);
            var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        }
    }

    /// <summary>Makes every request look as if it reached the appliance on a LAN address.</summary>
    private sealed class ArrivesOnLanAddress : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.LocalIpAddress = IPAddress.Parse("198.51.100.1");
                context.Connection.RemoteIpAddress = IPAddress.Parse("198.51.100.77");
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
