using Appliance.Data.Entities;
using Appliance.Engine.Configuration;
using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Store;

// Edits of the pending configuration: WANs, rules and settings.
public sealed partial class ConfigStore
{
    public async Task<IReadOnlyList<Versioned<WanLink>>> ListWansAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Wans.AsNoTracking().OrderBy(w => w.Id).ToListAsync(ct);
        return rows.Select(w => new Versioned<WanLink>(w.ToModel(), w.Version)).ToList();
    }

    public async Task<Versioned<WanLink>> GetWanAsync(string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Wans.AsNoTracking().FirstOrDefaultAsync(w => w.Name == name, ct) ?? throw WanNotFound(name);
        return new Versioned<WanLink>(row.ToModel(), row.Version);
    }

    public Task<Versioned<WanLink>> CreateWanAsync(WanLink wan, ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            var before = await LoadPendingAsync(db, ct);
            if (before.Wans.Any(w => w.Name == wan.Name))
            {
                throw new ConfigConflictException($"A WAN named '{wan.Name}' already exists.");
            }
            var after = before with { Wans = [.. before.Wans, wan] };
            ValidateEdit(before, after, $"wans[{before.Wans.Count}]");
            var entity = new WanEntity { Version = 1 };
            entity.CopyFrom(wan);
            db.Wans.Add(entity);
            Audit(db, who, "wan.create", wan.Name, Describe(wan));
            await db.SaveChangesAsync(ct);
            return new Versioned<WanLink>(entity.ToModel(), entity.Version);
        }, ct);

    public Task<Versioned<WanLink>> UpdateWanAsync(string name, WanLink wan, long? expectedVersion, ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            var entity = await db.Wans.FirstOrDefaultAsync(w => w.Name == name, ct) ?? throw WanNotFound(name);
            CheckVersion(entity.Version, expectedVersion, $"WAN '{name}'");
            if (wan.Name != name)
            {
                // Rules and history refer to WANs by name; a rename would silently re-point them.
                throw new ConfigValidationException(Single("name", $"cannot be changed (was '{name}'); delete and re-create the WAN instead"));
            }
            var before = await LoadPendingAsync(db, ct);
            var index = before.Wans.ToList().FindIndex(w => w.Name == name);
            var after = before with { Wans = before.Wans.Select((w, i) => i == index ? wan : w).ToList() };
            ValidateEdit(before, after, $"wans[{index}]");
            entity.CopyFrom(wan);
            entity.Version++;
            Audit(db, who, "wan.update", name, Describe(wan));
            await db.SaveChangesAsync(ct);
            return new Versioned<WanLink>(entity.ToModel(), entity.Version);
        }, ct);

    public Task DeleteWanAsync(string name, long? expectedVersion, ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            var entity = await db.Wans.FirstOrDefaultAsync(w => w.Name == name, ct) ?? throw WanNotFound(name);
            CheckVersion(entity.Version, expectedVersion, $"WAN '{name}'");
            var users = await db.Rules.AsNoTracking().Where(r => r.Wan == name).Select(r => r.Id).ToListAsync(ct);
            if (users.Count > 0)
            {
                throw new ConfigConflictException($"WAN '{name}' is used by rule(s) {string.Join(", ", users)}; change or delete them first.");
            }
            db.Wans.Remove(entity);
            Audit(db, who, "wan.delete", name, "");
            await db.SaveChangesAsync(ct);
        }, ct);

    public async Task<IReadOnlyList<Versioned<Rule>>> ListRulesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Rules.AsNoTracking().OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
        return rows.Select(r => new Versioned<Rule>(r.ToModel(), r.Version)).ToList();
    }

    public async Task<Versioned<Rule>> GetRuleAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Rules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw RuleNotFound(id);
        return new Versioned<Rule>(row.ToModel(), row.Version);
    }

    public Task<Versioned<Rule>> CreateRuleAsync(Rule rule, int? position, ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            var rows = await db.Rules.OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
            var at = ClampPosition(position, rows.Count);
            var before = await LoadPendingAsync(db, ct);
            var candidate = rule with { Id = 0 };
            var after = before with { Rules = before.Rules.Take(at).Append(candidate).Concat(before.Rules.Skip(at)).ToList() };
            ValidateEdit(before, after, $"rules[{at}]");
            var entity = new RuleEntity { Version = 1 };
            entity.CopyFrom(candidate);
            rows.Insert(at, entity);
            Renumber(rows);
            db.Rules.Add(entity);
            await db.SaveChangesAsync(ct);
            Audit(db, who, "rule.create", $"rule {entity.Id}", $"position {at}: {Describe(entity.ToModel())}");
            await db.SaveChangesAsync(ct);
            return new Versioned<Rule>(entity.ToModel(), entity.Version);
        }, ct);

    public Task<Versioned<Rule>> UpdateRuleAsync(int id, Rule rule, int? position, long? expectedVersion, ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            var rows = await db.Rules.OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
            var entity = rows.FirstOrDefault(r => r.Id == id) ?? throw RuleNotFound(id);
            CheckVersion(entity.Version, expectedVersion, $"Rule {id}");
            rows.Remove(entity);
            var at = ClampPosition(position ?? entity.Position, rows.Count);
            rows.Insert(at, entity);
            var before = await LoadPendingAsync(db, ct);
            var candidate = rule with { Id = id };
            var after = before with { Rules = rows.Select(r => r.Id == id ? candidate : r.ToModel()).ToList() };
            ValidateEdit(before, after, $"rules[{at}]");
            entity.CopyFrom(candidate);
            entity.Version++;
            Renumber(rows);
            Audit(db, who, "rule.update", $"rule {id}", $"position {at}: {Describe(candidate)}");
            await db.SaveChangesAsync(ct);
            return new Versioned<Rule>(entity.ToModel(), entity.Version);
        }, ct);

    public Task DeleteRuleAsync(int id, long? expectedVersion, ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            var rows = await db.Rules.OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
            var entity = rows.FirstOrDefault(r => r.Id == id) ?? throw RuleNotFound(id);
            CheckVersion(entity.Version, expectedVersion, $"Rule {id}");
            rows.Remove(entity);
            db.Rules.Remove(entity);
            Renumber(rows);
            Audit(db, who, "rule.delete", $"rule {id}", "");
            await db.SaveChangesAsync(ct);
        }, ct);

    public async Task<Versioned<ApplianceSettings>> GetSettingsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Settings.AsNoTracking().OrderBy(x => x.Id).FirstOrDefaultAsync(ct);
        return new Versioned<ApplianceSettings>(row?.Settings ?? new ApplianceSettings(), row?.Version ?? 0);
    }

    public Task<Versioned<ApplianceSettings>> UpdateSettingsAsync(ApplianceSettings settings, long? expectedVersion, ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            var row = await db.Settings.OrderBy(x => x.Id).FirstOrDefaultAsync(ct);
            CheckVersion(row?.Version ?? 0, expectedVersion, "Settings");
            var before = await LoadPendingAsync(db, ct);
            ValidateEdit(before, before with { Settings = settings }, null);
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
            Audit(db, who, "settings.update", "settings", $"role {settings.Role}");
            await db.SaveChangesAsync(ct);
            return new Versioned<ApplianceSettings>(row.Settings, row.Version);
        }, ct);

    private static int ClampPosition(int? position, int count) => Math.Clamp(position ?? count, 0, count);

    private static void Renumber(List<RuleEntity> rows)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Position = i;
        }
    }

    private static Engine.Configuration.Validation.ValidationErrors Single(string path, string message)
    {
        var errors = new Engine.Configuration.Validation.ValidationErrors();
        errors.Add(path, message);
        return errors;
    }

    private static string Describe(WanLink w) =>
        $"{w.Interface} {w.Mode.ToString().ToLowerInvariant()} weight {w.Weight} tier {w.Tier} gateway {w.Gateway}{(w.Enabled ? "" : " disabled")}";

    private static string Describe(Rule r) =>
        $"{r.Protocol.ToString().ToLowerInvariant()} {r.Source ?? "any"} -> {r.Destination ?? "any"}{(r.DestinationPorts is null ? "" : ":" + r.DestinationPorts)} {r.Action.ToString().ToLowerInvariant()}{(r.Wan is null ? "" : " " + r.Wan)}";

    private static ConfigNotFoundException WanNotFound(string name) => new($"No WAN named '{name}'.");

    private static ConfigNotFoundException RuleNotFound(int id) => new($"No rule with id {id}.");
}
