using Appliance.Data.Entities;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Store;

/// <summary>The SQLite-backed <see cref="IWanStore"/>.</summary>
public sealed class WanStore(
    IDbContextFactory<ApplianceDbContext> dbFactory, ConfigWriter writer, ConfigValidator validator, TimeProvider time) : IWanStore
{
    public async Task<IReadOnlyList<Versioned<WanLink>>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Wans.AsNoTracking().OrderBy(w => w.Id).ToListAsync(ct);
        return rows.Select(w => new Versioned<WanLink>(w.Wan, w.Version)).ToList();
    }

    public async Task<Versioned<WanLink>> GetAsync(string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Wans.AsNoTracking().FirstOrDefaultAsync(w => w.Name == name, ct) ?? throw NotFound(name);
        return new Versioned<WanLink>(row.Wan, row.Version);
    }

    public Task<Versioned<WanLink>> CreateAsync(WanLink wan, ChangeContext who, CancellationToken ct = default) =>
        writer.WriteAsync(async db =>
        {
            var before = await PendingCopy.LoadAsync(db, ct);
            if (before.Wans.Any(w => w.Name == wan.Name))
            {
                throw new ConfigConflictException($"A WAN named '{wan.Name}' already exists.");
            }
            var after = before with { Wans = [.. before.Wans, wan] };
            EditChecks.Validate(validator, before, after, $"wans[{before.Wans.Count}]");
            var entity = new WanEntity(wan) { Version = 1 };
            db.Wans.Add(entity);
            Audit(db, who, "wan.create", wan.Name, Describe(wan));
            await db.SaveChangesAsync(ct);
            return new Versioned<WanLink>(entity.Wan, entity.Version);
        }, ct);

    public Task<Versioned<WanLink>> UpdateAsync(string name, WanLink wan, long? expectedVersion, ChangeContext who, CancellationToken ct = default) =>
        writer.WriteAsync(async db =>
        {
            var entity = await db.Wans.FirstOrDefaultAsync(w => w.Name == name, ct) ?? throw NotFound(name);
            EditChecks.CheckVersion(entity.Version, expectedVersion, $"WAN '{name}'");
            if (wan.Name != name)
            {
                // Rules and history refer to WANs by name; a rename would silently re-point them.
                throw new ConfigValidationException(EditChecks.Single("name", $"cannot be changed (was '{name}'); delete and re-create the WAN instead"));
            }
            var before = await PendingCopy.LoadAsync(db, ct);
            var index = before.Wans.ToList().FindIndex(w => w.Name == name);
            var after = before with { Wans = before.Wans.Select((w, i) => i == index ? wan : w).ToList() };
            EditChecks.Validate(validator, before, after, $"wans[{index}]");
            entity.Wan = wan;
            entity.Version++;
            Audit(db, who, "wan.update", name, Describe(wan));
            await db.SaveChangesAsync(ct);
            return new Versioned<WanLink>(entity.Wan, entity.Version);
        }, ct);

    public Task DeleteAsync(string name, long? expectedVersion, ChangeContext who, CancellationToken ct = default) =>
        writer.WriteAsync(async db =>
        {
            var entity = await db.Wans.FirstOrDefaultAsync(w => w.Name == name, ct) ?? throw NotFound(name);
            EditChecks.CheckVersion(entity.Version, expectedVersion, $"WAN '{name}'");
            // Rules are documents: which of them name the WAN is read from each (their number is bounded by the limits).
            var rules = await db.Rules.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct);
            var users = rules.Where(r => r.Rule.Wan == name).Select(r => r.Id).ToList();
            if (users.Count > 0)
            {
                throw new ConfigConflictException($"WAN '{name}' is used by rule(s) {string.Join(", ", users)}; change or delete them first.");
            }
            db.Wans.Remove(entity);
            Audit(db, who, "wan.delete", name, "");
            await db.SaveChangesAsync(ct);
        }, ct);

    private void Audit(ApplianceDbContext db, ChangeContext who, string action, string target, string details) =>
        AuditLog.Add(db, time.GetUtcNow(), who, action, target, details);

    private static string Describe(WanLink w) =>
        $"{w.Interface} {w.Mode.ToString().ToLowerInvariant()} weight {w.Weight} tier {w.Tier} gateway {w.Gateway}{(w.Enabled ? "" : " disabled")}";

    private static ConfigNotFoundException NotFound(string name) => new($"No WAN named '{name}'.");
}
