using Appliance.Engine.Firmware;
using Appliance.Engine.FirmwareSlots;

namespace Appliance.Web.Api;

/// <summary>GET /api/v1/firmware and the firmware page: RAUC's view, the staged bundle and the last step.</summary>
/// <param name="Available">False when no installer answers (a development machine); <paramref name="Reason"/> says why.</param>
public sealed record FirmwareOverview(
    bool Available,
    string? Reason,
    RaucStatus? Installer,
    FirmwareCheck? Staged,
    FirmwareProgress? Latest,
    bool Busy,
    long MaxBundleBytes)
{
    /// <summary>Whether this boot's slot was marked good yet (null until the mark-good service has looked).</summary>
    public BootMarkState? BootMark { get; init; }

    public static async Task<FirmwareOverview> ReadAsync(
        IRaucInstaller installer, FirmwareService service, FirmwareProgressFeed feed, BootMark mark, CancellationToken ct)
    {
        try
        {
            var status = await installer.GetStatusAsync(ct);
            return new FirmwareOverview(true, null, status, service.Staged, feed.Latest, service.Busy, service.MaxBundleBytes) { BootMark = mark.Current };
        }
        catch (RaucException ex)
        {
            return new FirmwareOverview(false, ex.Message, null, service.Staged, feed.Latest, service.Busy, service.MaxBundleBytes) { BootMark = mark.Current };
        }
    }
}
