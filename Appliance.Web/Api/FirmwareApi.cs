using Appliance.Data.Store;
using Appliance.Engine.Firmware;
using Appliance.Engine.FirmwareSlots;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Security;
using Microsoft.OpenApi;

namespace Appliance.Web.Api;

/// <summary>/api/v1/firmware: slot status, upload and check a bundle, install it, reboot into it. Admins only.</summary>
internal static class FirmwareApi
{
    public const string BundlePath = "/api/v1/firmware/bundle";

    /// <summary>The answer to an install: it runs on; progress follows as FirmwareProgress on the status hub and in GET /api/v1/firmware.</summary>
    /// <param name="Operation">Always <c>installing</c>.</param>
    /// <param name="Version">The version of the bundle being installed.</param>
    public sealed record InstallStarted(string Operation, string? Version);

    public static void MapFirmwareApi(this RouteGroupBuilder api)
    {
        var firmware = api.MapGroup("/firmware").WithTags(ApiTags.Firmware).RequireAuthorization(AppPolicies.Admin);

        firmware.MapGet("", async (FirmwareService service, FirmwareProgressFeed feed, IRaucInstaller installer, BootMark mark, CancellationToken ct) =>
                TypedResults.Ok(await FirmwareOverview.ReadAsync(installer, service, feed, mark, ct)))
            .WithName("GetFirmware").WithSummary("Get the firmware status")
            .WithDescription("The booted slot, the primary one, each slot's version and good/bad mark, the bundle checked and waiting, and the latest " +
                "step of an upload or install. `available` is false when no installer answers (e.g. on a development machine).");

        firmware.MapPost("/bundle", async (HttpContext http, FirmwareService service, IAuditLog audit, string? fileName, CancellationToken ct) =>
            {
                FirmwareCheck check;
                try
                {
                    check = await service.UploadAsync(http.Request.Body, fileName, http.Request.ContentLength, ct);
                }
                catch (Exception ex) when (Refusal(ex) is { } problem)
                {
                    return problem;
                }
                await audit.RecordAsync(http.ChangeContext(), check.Installable ? "firmware.upload" : "firmware.refuse", check.FileName,
                    check.Installable ? $"version {check.Version} for {check.Compatible}, {check.Bytes} bytes" : check.Refusal!, ct);
                return check.Installable
                    ? Results.Ok(check)
                    : Results.Problem(title: "Bundle refused", detail: check.Refusal, statusCode: StatusCodes.Status422UnprocessableEntity,
                        extensions: new Dictionary<string, object?> { ["compatible"] = check.Compatible, ["version"] = check.Version });
            })
            .WithName("UploadFirmwareBundle").WithSummary("Upload a firmware bundle")
            .WithDescription("Streams a signed RAUC bundle (the request body as it is, not multipart) to the appliance and checks its signature and " +
                "compatibility; nothing is installed yet. `?fileName=` is only shown to people. A bundle that passes waits for POST /api/v1/firmware/install.")
            .AcceptsBundle()
            .Produces<FirmwareCheck>()
            .Refused(StatusCodes.Status409Conflict, "An upload or install is already under way.")
            .Refused(StatusCodes.Status413PayloadTooLarge, "The bundle is larger than Firmware:MaxBundleBytes (GET /api/v1/firmware says how large).")
            .Refused(StatusCodes.Status422UnprocessableEntity,
                "The bundle was refused: not signed by a trusted key, or not for this product; the problem's `compatible` and `version` say what it is.")
            .Refused(StatusCodes.Status503ServiceUnavailable, "The installer (RAUC) does not answer.");

        firmware.MapPost("/install", async (HttpContext http, FirmwareService service, IAuditLog audit, CancellationToken ct) =>
            {
                var staged = service.Staged;
                try
                {
                    await service.StartInstallAsync(ct);
                }
                catch (Exception ex) when (Refusal(ex) is { } problem)
                {
                    return problem;
                }
                await audit.RecordAsync(http.ChangeContext(), "firmware.install", staged?.FileName ?? "bundle", $"version {staged?.Version}", ct);
                return Results.Accepted("/api/v1/firmware", new InstallStarted("installing", staged?.Version));
            })
            .WithName("InstallFirmware").WithSummary("Install the checked bundle")
            .WithDescription("Starts installing the uploaded and checked bundle into the other slot and answers at once; progress arrives as " +
                "FirmwareProgress on the status hub and in GET /api/v1/firmware. Then reboot into it.")
            .Produces<InstallStarted>(StatusCodes.Status202Accepted)
            .Refused(StatusCodes.Status409Conflict, "No checked bundle waits to be installed, or an upload or install is already under way.");

        firmware.MapPost("/reboot", async (HttpContext http, FirmwareService service, IAuditLog audit, CancellationToken ct) =>
            {
                await audit.RecordAsync(http.ChangeContext(), "firmware.reboot", "appliance", "reboot requested", ct);
                try
                {
                    await service.RebootAsync(ct);
                }
                catch (Exception ex) when (Refusal(ex) is { } problem)
                {
                    return problem;
                }
                return Results.Accepted();
            })
            .WithName("RebootAppliance").WithSummary("Reboot the appliance")
            .WithDescription("Reboots into the slot RAUC made primary (the new firmware after an install). The answer comes before the reboot.")
            .Produces(StatusCodes.Status202Accepted)
            .Refused(StatusCodes.Status409Conflict, "An upload or install is under way; reboot when it has finished.")
            .Refused(StatusCodes.Status422UnprocessableEntity, "The system refused the reboot.")
            .Refused(StatusCodes.Status503ServiceUnavailable, "The system bus does not answer, so the reboot was not asked for.");
    }

    /// <summary>
    /// The bundle is the raw request body, whatever its Content-Type: documented for clients, while the endpoint keeps
    /// taking any (Accepts metadata would make routing refuse the others with 415).
    /// </summary>
    private static RouteHandlerBuilder AcceptsBundle(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The .raucb file's bytes, sent as they are.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/octet-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                },
            };
            return Task.CompletedTask;
        });

    private static IResult? Refusal(Exception ex) => ex switch
    {
        FirmwareBusyException e => Results.Problem(title: "Firmware busy", detail: e.Message, statusCode: StatusCodes.Status409Conflict),
        FirmwareStateException e => Results.Problem(title: "Nothing to install", detail: e.Message, statusCode: StatusCodes.Status409Conflict),
        BundleTooLargeException e => Results.Problem(title: "Bundle too large", detail: e.Message, statusCode: StatusCodes.Status413PayloadTooLarge),
        RaucUnavailableException e => Results.Problem(title: "Firmware installer unavailable", detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable),
        RaucException e => Results.Problem(title: "Firmware installer refused", detail: e.Message, statusCode: StatusCodes.Status422UnprocessableEntity),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } e =>
            Results.Problem(title: "Bundle too large", detail: e.Message, statusCode: StatusCodes.Status413PayloadTooLarge),
        _ => null,
    };
}
