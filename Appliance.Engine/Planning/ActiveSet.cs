using Appliance.Engine.Configuration;

namespace Appliance.Engine.Planning;

/// <summary>Picks the WANs that share new balanced sessions, with their weights.</summary>
internal static class ActiveSet
{
    /// <summary>
    /// The usable WANs of the best group, where groups run tier 1 balance/bond, tier 1 backup, tier 2 balance/bond, …:
    /// a backup link carries traffic only while no balance or bond link of its own or a better tier is usable.
    /// </summary>
    public static IReadOnlyList<(WanPlan Wan, int Weight)> Choose(IReadOnlyList<PlannedWan> wans) =>
        wans.Where(w => w.Plan.Usable)
            .GroupBy(w => (w.Config.Tier, Backup: w.Config.Mode == WanMode.Backup))
            .OrderBy(g => g.Key.Tier).ThenBy(g => g.Key.Backup)
            .FirstOrDefault()?
            .OrderBy(w => w.Plan.Slot)
            .Select(w => (w.Plan, w.Config.Weight))
            .ToList() ?? [];
}
