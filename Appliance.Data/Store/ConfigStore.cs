using Appliance.Data.Entities;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Store;

/// <summary>The SQLite-backed <see cref="IConfigStore"/>.</summary>
public sealed class ConfigStore(
    IDbContextFactory<ApplianceDbContext> dbFactory,
    ConfigWriter writer,
    RunningConfigPublisher running,
    ConfigValidator validator,
    TimeProvider time) : IConfigStore
{
    public IDisposable SubscribeEdits(Action onEdited) => writer.SubscribeEdits(onEdited);

    public async Task<Versioned<ApplianceSettings>> GetSettingsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Settings.AsNoTracking().OrderBy(x => x.Id).FirstOrDefaultAsync(ct);
        return new Versioned<ApplianceSettings>(row?.Settings ?? new ApplianceSettings(), row?.Version ?? 0);
    }

    public Task<Versioned<ApplianceSettings>> UpdateSettingsAsync(ApplianceSettings settings, long? expectedVersion, ChangeContext who, CancellationToken ct = default) =>
        writer.WriteAsync(async db =>
        {
            var row = await db.Settings.OrderBy(x => x.Id).FirstOrDefaultAsync(ct);
            EditChecks.CheckVersion(row?.Version ?? 0, expectedVersion, "Settings");
            var before = await PendingCopy.LoadAsync(db, ct);
            EditChecks.Validate(validator, before, before with { Settings = settings }, null);
            if (row is null)
            {
                row = new SettingsEntity { Settings = settings, Version = 1 };
                db.Settings.Add(row);
            }
            else
            {
                row.Settings = settings;
                row.Version++;
            }
            AuditLog.Add(db, time.GetUtcNow(), who, "settings.update", "settings", $"role {settings.Role}");
            await db.SaveChangesAsync(ct);
            return new Versioned<ApplianceSettings>(row.Settings, row.Version);
        }, ct);

    public async Task<Versioned<IReadOnlyList<PortConfig>>> GetPortsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Ports.AsNoTracking().OrderBy(x => x.Id).FirstOrDefaultAsync(ct);
        return new Versioned<IReadOnlyList<PortConfig>>(row?.Ports ?? [], row?.Version ?? 0);
    }

    public Task<Versioned<IReadOnlyList<PortConfig>>> UpdatePortsAsync(
        IReadOnlyList<PortConfig> ports, long? expectedVersion, ChangeContext who, CancellationToken ct = default) =>
        writer.WriteAsync(async db =>
        {
            var row = await db.Ports.OrderBy(x => x.Id).FirstOrDefaultAsync(ct);
            EditChecks.CheckVersion(row?.Version ?? 0, expectedVersion, "Ports");
            var before = await PendingCopy.LoadAsync(db, ct);
            EditChecks.Validate(validator, before, before with { Ports = ports }, null);
            if (row is null)
            {
                row = new PortsEntity { Ports = ports, Version = 1 };
                db.Ports.Add(row);
            }
            else
            {
                row.Ports = ports;
                row.Version++;
            }
            // Names and roles only: both are validated, and neither is a secret.
            AuditLog.Add(db, time.GetUtcNow(), who, "ports.update", "ports",
                ports.Count == 0 ? "none" : string.Join(", ", ports.Select(p => $"{p.Name} {ConfigJson.EnumValue(p.Role)}")));
            await db.SaveChangesAsync(ct);
            return new Versioned<IReadOnlyList<PortConfig>>(row.Ports, row.Version);
        }, ct);

    public async Task<ApplianceConfig> GetPendingAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await PendingCopy.LoadAsync(db, ct);
    }

    public async Task<PendingStatus> GetPendingStatusAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pending = await PendingCopy.LoadAsync(db, ct);
        // A revision stored by older firmware reads with its own format version; the content is what counts.
        var current = running.Current;
        var runningConfig = current.Config with { Version = pending.Version };
        var awaiting = await db.Revisions.AsNoTracking().OrderBy(r => r.Id).FirstOrDefaultAsync(r => r.Status == RevisionStatus.Pending, ct);
        var hasChanges = ConfigJson.Serialize(pending) != ConfigJson.Serialize(runningConfig) && !(current.RevisionId == 0 && PendingCopy.IsEmpty(pending));
        var risk = hasChanges ? LockoutRisk.Of(runningConfig, pending)?.Reason : null;
        return new PendingStatus(hasChanges, current.RevisionId, awaiting is null ? null : RevisionInfo.From(awaiting))
        {
            SuggestConfirm = risk is not null,
            SuggestConfirmReason = risk,
        };
    }

    public async Task ImportAsync(ApplianceConfig config, ChangeContext who, CancellationToken ct = default)
    {
        var errors = validator.Validate(config, ValidationPurpose.Edit);
        if (!errors.IsEmpty)
        {
            throw new ConfigValidationException(errors, "The imported configuration is invalid; nothing was changed.");
        }
        await writer.WriteAsync(async db =>
        {
            await PendingCopy.ReplaceAsync(db, config, ct);
            AuditLog.Add(db, time.GetUtcNow(), who, "config.import", "config", $"{config.Ports.Count} ports, {config.Wans.Count} WANs, {config.Rules.Count} rules");
            await db.SaveChangesAsync(ct);
        }, ct);
    }
}
