using Appliance.Data.Entities;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Store;

/// <summary>The SQLite-backed <see cref="IRuleStore"/>.</summary>
public sealed class RuleStore(
    IDbContextFactory<ApplianceDbContext> dbFactory, ConfigWriter writer, ConfigValidator validator, TimeProvider time) : IRuleStore
{
    public async Task<IReadOnlyList<Versioned<Rule>>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Rules.AsNoTracking().OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
        return rows.Select(r => new Versioned<Rule>(r.ToModel(), r.Version)).ToList();
    }

    public async Task<Versioned<Rule>> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Rules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw NotFound(id);
        return new Versioned<Rule>(row.ToModel(), row.Version);
    }

    public Task<Versioned<Rule>> CreateAsync(Rule rule, int? position, ChangeContext who, CancellationToken ct = default) =>
        writer.WriteAsync(async db =>
        {
            var rows = await db.Rules.OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
            var at = ClampPosition(position, rows.Count);
            var before = await PendingCopy.LoadAsync(db, ct);
            var candidate = rule with { Id = 0 };
            var after = before with { Rules = before.Rules.Take(at).Append(candidate).Concat(before.Rules.Skip(at)).ToList() };
            EditChecks.Validate(validator, before, after, $"rules[{at}]");
            var entity = new RuleEntity(candidate) { Version = 1 };
            rows.Insert(at, entity);
            Renumber(rows);
            db.Rules.Add(entity);
            await db.SaveChangesAsync(ct);
            // Numbered now: the document carries the id too.
            entity.Rule = entity.ToModel();
            Audit(db, who, "rule.create", $"rule {entity.Id}", $"position {at}: {Describe(entity.Rule)}");
            await db.SaveChangesAsync(ct);
            return new Versioned<Rule>(entity.ToModel(), entity.Version);
        }, ct);

    public Task<Versioned<Rule>> UpdateAsync(int id, Rule rule, int? position, long? expectedVersion, ChangeContext who, CancellationToken ct = default) =>
        writer.WriteAsync(async db =>
        {
            var rows = await db.Rules.OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
            var entity = rows.FirstOrDefault(r => r.Id == id) ?? throw NotFound(id);
            EditChecks.CheckVersion(entity.Version, expectedVersion, $"Rule {id}");
            rows.Remove(entity);
            var at = ClampPosition(position ?? entity.Position, rows.Count);
            rows.Insert(at, entity);
            var before = await PendingCopy.LoadAsync(db, ct);
            var candidate = rule with { Id = id };
            var after = before with { Rules = rows.Select(r => r.Id == id ? candidate : r.ToModel()).ToList() };
            EditChecks.Validate(validator, before, after, $"rules[{at}]");
            entity.Rule = candidate;
            entity.Version++;
            Renumber(rows);
            Audit(db, who, "rule.update", $"rule {id}", $"position {at}: {Describe(candidate)}");
            await db.SaveChangesAsync(ct);
            return new Versioned<Rule>(entity.ToModel(), entity.Version);
        }, ct);

    public Task DeleteAsync(int id, long? expectedVersion, ChangeContext who, CancellationToken ct = default) =>
        writer.WriteAsync(async db =>
        {
            var rows = await db.Rules.OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct);
            var entity = rows.FirstOrDefault(r => r.Id == id) ?? throw NotFound(id);
            EditChecks.CheckVersion(entity.Version, expectedVersion, $"Rule {id}");
            rows.Remove(entity);
            db.Rules.Remove(entity);
            Renumber(rows);
            Audit(db, who, "rule.delete", $"rule {id}", "");
            await db.SaveChangesAsync(ct);
        }, ct);

    private void Audit(ApplianceDbContext db, ChangeContext who, string action, string target, string details) =>
        AuditLog.Add(db, time.GetUtcNow(), who, action, target, details);

    private static int ClampPosition(int? position, int count) => Math.Clamp(position ?? count, 0, count);

    private static void Renumber(List<RuleEntity> rows)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Position = i;
        }
    }

    private static string Describe(Rule r) =>
        $"{r.Protocol.ToString().ToLowerInvariant()} {r.Source ?? "any"} -> {r.Destination ?? "any"}{(r.DestinationPorts is null ? "" : ":" + r.DestinationPorts)} {r.Action.ToString().ToLowerInvariant()}{(r.Wan is null ? "" : " " + r.Wan)}";

    private static ConfigNotFoundException NotFound(int id) => new($"No rule with id {id}.");
}
