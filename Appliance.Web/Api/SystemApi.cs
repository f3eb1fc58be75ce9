using Appliance.Data.Store;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/system: the web UI's HTTPS certificate and the factory reset.</summary>
internal static class SystemApi
{
    public sealed record CertificateUpload(string? CertificatePem, string? PrivateKeyPem);

    /// <summary>Body of the factory reset: <see cref="Confirm"/> must say <see cref="FactoryResetConfirmation"/>.</summary>
    public sealed record FactoryResetRequest(string? Confirm);

    /// <summary>What the caller types to show the reset is meant: no client resets a box by a stray empty POST.</summary>
    public const string FactoryResetConfirmation = "factory-reset";

    public static void MapSystemApi(this RouteGroupBuilder api)
    {
        var system = api.MapGroup("/system").WithTags(ApiTags.System).RequireAuthorization(AppPolicies.Admin);

        system.MapGet("/https-certificate", (HttpsCertificate https) => TypedResults.Ok(HttpsCertificate.Describe(https.Current)))
            .WithName("GetHttpsCertificate").WithSummary("Get the HTTPS certificate")
            .WithDescription("Subject, issuer, validity and SHA-256 fingerprint of the certificate HTTPS presents; self-signed until one is uploaded.");

        system.MapPut("/https-certificate", async (CertificateUpload body, HttpContext http, HttpsCertificate https, IAuditLog audit, TimeProvider time, CancellationToken ct) =>
            {
                if (string.IsNullOrWhiteSpace(body.CertificatePem) || string.IsNullOrWhiteSpace(body.PrivateKeyPem))
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["certificatePem"] = ["the certificate (PEM) and its private key (PEM) are both required"],
                    });
                }
                System.Security.Cryptography.X509Certificates.X509Certificate2 installed;
                try
                {
                    installed = https.Replace(body.CertificatePem, body.PrivateKeyPem, time.GetUtcNow());
                }
                catch (ArgumentException ex)
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["certificatePem"] = [ex.Message] });
                }
                var info = HttpsCertificate.Describe(installed);
                await audit.RecordAsync(http.ChangeContext(), "certificate.replace", "https certificate", $"{info.Subject}, valid until {info.NotAfter:u}, sha256 {info.Sha256Fingerprint}", ct);
                return Results.Ok(info);
            })
            .WithName("ReplaceHttpsCertificate").WithSummary("Replace the HTTPS certificate")
            .WithDescription("Installs a certificate and its private key, both PEM; HTTPS presents it from the next connection on.")
            .Produces<CertificateInfo>()
            .RefusedInvalid("The certificate or key is missing, unreadable, expired or not a pair: `errors` says why.");

        system.MapPost("/factory-reset", async (FactoryResetRequest? body, HttpContext http, IFactoryReset reset, CancellationToken ct) =>
            {
                if (body?.Confirm != FactoryResetConfirmation)
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["confirm"] = [$"must be '{FactoryResetConfirmation}' to reset the configuration to the factory defaults"],
                    });
                }
                return Results.Ok(await reset.ResetAsync(http.ChangeContext(), ct));
            })
            .WithName("FactoryReset").WithSummary("Reset the configuration to the factory defaults")
            .WithDescription("Replaces ports, WANs, rules and settings with the factory configuration (the first port LAN with the default " +
                "LAN address, DHCP server and DNS forwarder; the others WANs with DHCP) and applies it at once as a new revision, without " +
                "commit-confirm; a revision waiting for confirmation is abandoned. Users, API tokens, the revision history, the audit trail and " +
                "the HTTPS certificate stay. The LAN address usually changes: reconnect on it. The body must be " +
                $"`{{\"confirm\": \"{FactoryResetConfirmation}\"}}`.")
            .Produces<RevisionInfo>()
            .RefusedInvalid($"`confirm` is not `{FactoryResetConfirmation}`, or the factory configuration cannot be applied: `errors` says why.");
    }
}
