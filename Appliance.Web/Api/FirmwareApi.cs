using Appliance.Data.Store;
using Appliance.Engine.Firmware;
using Appliance.Engine.FirmwareSlots;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/firmware: slot status, upload and check a bundle, install it, reboot into it. Admins only.</summary>
internal static class FirmwareApi
{
    public const string BundlePath = "/api/v1/firmware/bundle";

    public static void MapFirmwareApi(this RouteGroupBuilder api)
    {
        var firmware = api.MapGroup("/firmware").WithTags("Firmware").RequireAuthorization(AppPolicies.Admin);

        firmware.MapGet("", async (FirmwareService service, FirmwareProgressFeed feed, IRaucInstaller installer, BootMark mark, CancellationToken ct) =>
                TypedResults.Ok(await FirmwareOverview.ReadAsync(installer, service, feed, mark, ct)))
            .WithName("GetFirmware").WithSummary("Booted slot, primary, each slot's version and good/bad, the current operation");

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
            .WithName("UploadFirmwareBundle").WithSummary("Upload a RAUC bundle (raw body, application/octet-stream) and check it; nothing is installed yet")
            .Produces<FirmwareCheck>().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

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
                return Results.Accepted("/api/v1/firmware", new { operation = "installing", version = staged?.Version });
            })
            .WithName("InstallFirmware").WithSummary("Install the checked bundle into the other slot; progress arrives as FirmwareProgress on the status hub")
            .ProducesProblem(StatusCodes.Status409Conflict);

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
            .WithName("RebootAppliance").WithSummary("Reboot (into the slot RAUC made primary)")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

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
