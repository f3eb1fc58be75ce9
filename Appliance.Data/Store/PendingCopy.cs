using Appliance.Data.Entities;
using Appliance.Engine.Configuration;
using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Store;

/// <summary>Reads and replaces the whole pending configuration inside a change.</summary>
internal static class PendingCopy
{
    public static async Task<ApplianceConfig> LoadAsync(ApplianceDbContext db, CancellationToken ct)
    {
        var wans = await db.Wans.AsNoTracking().OrderBy(w => w.Id).ToListAsync(ct);
        var rules = await db.Rules.AsNoTracking().OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
        var settings = await db.Settings.AsNoTracking().OrderBy(x => x.Id).FirstOrDefaultAsync(ct);
        return new ApplianceConfig
        {
            Ports = settings?.Ports ?? [],
            Wans = wans.Select(w => w.Wan).ToList(),
            Rules = rules.Select(r => r.ToModel()).ToList(),
            Settings = settings?.Settings ?? new ApplianceSettings(),
        };
    }

    /// <summary>Replaces every WAN, rule, the ports and the settings; rules keep their ids, every item starts at version 1.</summary>
    public static async Task ReplaceAsync(ApplianceDbContext db, ApplianceConfig config, CancellationToken ct)
    {
        await db.Wans.ExecuteDeleteAsync(ct);
        await db.Rules.ExecuteDeleteAsync(ct);
        foreach (var wan in config.Wans)
        {
            db.Wans.Add(new WanEntity(wan) { Version = 1 });
        }
        for (var i = 0; i < config.Rules.Count; i++)
        {
            db.Rules.Add(new RuleEntity(config.Rules[i]) { Position = i, Version = 1 });
        }
        var settings = await db.Settings.OrderBy(x => x.Id).FirstOrDefaultAsync(ct);
        if (settings is null)
        {
            db.Settings.Add(new SettingsEntity { Settings = config.Settings, Ports = [.. config.Ports], Version = 1 });
        }
        else
        {
            settings.Settings = config.Settings;
            settings.Ports = [.. config.Ports];
            settings.Version++;
        }
    }

    public static bool IsEmpty(ApplianceConfig config) =>
        ConfigJson.Serialize(config) == ConfigJson.Serialize(ApplianceConfig.Empty);
}
