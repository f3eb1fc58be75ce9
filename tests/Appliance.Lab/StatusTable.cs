using System.Globalization;
using System.Text;
using Appliance.Engine.Status;
using Appliance.Testing;

namespace Appliance.Lab;

/// <summary>The periodic table: per WAN what the internet's servers saw from its address, next to what the engine reports.</summary>
public static class StatusTable
{
    private static readonly CompositeFormat Format = CompositeFormat.Parse("  {0,-8} {1,-5} {2,8} {3,-8} {4,-6} {5,9} {6,9} {7,11} {8,10} {9,10} {10,10}");

    public static string Render(IReadOnlyList<LabWan> labWans, LabServers servers, EngineStatus? status, string? statusError, string traffic)
    {
        var text = new StringBuilder();
        var engine = status is null
            ? $"engine status unavailable ({statusError})"
            : status.Running ? $"engine running revision {status.RevisionId}" : $"engine not running: {status.Message}";
        text.AppendLine(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss}] {engine}");
        text.AppendLine(string.Format(CultureInfo.InvariantCulture, Format,
            "WAN", "link", "shaped", "state", "usable", "tcp seen", "udp seen", "engine new", "rx Mbit/s", "tx Mbit/s", "bulk Mbit/s"));
        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var wan in status?.Wans ?? [])
        {
            var lab = labWans.FirstOrDefault(w => w.Interface == wan.Interface);
            shown.Add(wan.Interface);
            text.AppendLine(Row(wan.Name, wan.Interface, lab, servers, wan));
        }
        foreach (var lab in labWans.Where(w => !shown.Contains(w.Interface)))
        {
            text.AppendLine(Row("-", lab.Interface, lab, servers, null));
        }
        text.Append(CultureInfo.InvariantCulture, $"  traffic: {traffic}");
        if (status?.Bonding is { } bond)
        {
            var paths = bond.Paths.Count == 0 ? "no WAN" : string.Join(", ", bond.Paths.Select(p => $"{p.Wan}{(p.Backup ? " (backup)" : "")} {p.Subflows ?? 0} subflows"));
            text.AppendLine().Append(CultureInfo.InvariantCulture,
                $"  bonding: {bond.State} to {bond.Peer} over {paths}; sessions {bond.ActiveSessions} open, {bond.TotalSessions} in all, {bond.FailedSessions} failed; " +
                $"relayed up {bond.BytesUp / 1e6:0.0} MB, down {bond.BytesDown / 1e6:0.0} MB{(bond.LastError is { } error ? "; last error: " + error : "")}");
        }
        foreach (var warning in status?.Warnings ?? [])
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  warning: {warning}");
        }
        return text.ToString();
    }

    private static string Row(string name, string iface, LabWan? lab, LabServers servers, WanStatus? wan) =>
        string.Format(CultureInfo.InvariantCulture, Format,
            name,
            iface,
            lab?.RateMbit is { } rate ? rate.ToString("0.#", CultureInfo.InvariantCulture) + " Mb" : "-",
            wan?.State ?? "-",
            wan is null ? "-" : wan.Usable ? "yes" : "no",
            lab is null ? "-" : servers.TcpFrom(lab.ApplianceAddress).ToString(CultureInfo.InvariantCulture),
            lab is null ? "-" : servers.UdpFrom(lab.ApplianceAddress).ToString(CultureInfo.InvariantCulture),
            wan?.NewSessions?.ToString(CultureInfo.InvariantCulture) ?? "-",
            Mbit(wan?.RxBitsPerSecond),
            Mbit(wan?.TxBitsPerSecond),
            lab is not null && servers.Bulk.LastMbitFrom(lab.ApplianceAddress) is { } bulk ? bulk.ToString("0.0", CultureInfo.InvariantCulture) : "-");

    private static string Mbit(long? bitsPerSecond) =>
        bitsPerSecond is { } bps ? (bps / 1_000_000.0).ToString("0.0", CultureInfo.InvariantCulture) : "-";
}
