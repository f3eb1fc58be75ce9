using Appliance.Engine.Configuration;

namespace Appliance.Engine.Planning;

/// <summary>Which WANs' sessions must be cut loose after a change of plan, so they re-establish elsewhere.</summary>
public static class SessionFlush
{
    /// <summary>
    /// A WAN that stopped being usable loses its sessions (they are stuck on a dead path). A WAN that is still usable
    /// but left the active group because a better link returned loses them only with failback <c>move</c>
    /// (e.g. to get off a metered LTE link); with <c>keep</c> they finish where they are.
    /// </summary>
    public static IReadOnlyList<(WanPlan Wan, string Why)> Between(DesiredState? before, DesiredState after)
    {
        if (before is null)
        {
            return [];
        }
        var now = after.Wans.ToDictionary(w => w.Name, StringComparer.Ordinal);
        var result = new List<(WanPlan, string)>();
        foreach (var old in before.Wans)
        {
            var current = now.GetValueOrDefault(old.Name);
            if (old.Usable && current is not { Usable: true })
            {
                result.Add((old, current is null ? "removed or disabled" : $"no longer usable: {current.Reason}"));
            }
            else if (old.Active && current is { Usable: true, Active: false, Failback: FailbackPolicy.Move })
            {
                result.Add((current, "a better link is back (failback move)"));
            }
        }
        return result;
    }
}
