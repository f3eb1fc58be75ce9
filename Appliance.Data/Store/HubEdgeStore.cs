using System.Collections.Frozen;
using System.Net;
using Appliance.Data.Entities;
using Appliance.Engine;
using Appliance.Engine.Bonding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Appliance.Data.Store;

/// <summary>
/// The hub's register of edges in SQLite. Changes take effect at once (they are not part of configuration revisions)
/// and every one is audited, never with the key. <see cref="FindAsync"/> answers from memory, and subscribers hear of
/// every change once it is in effect (the hub closes the live sessions of an edge removed, disabled or re-keyed).
/// </summary>
public sealed partial class HubEdgeStore(IDbContextFactory<ApplianceDbContext> dbFactory, TimeProvider time, ILogger<HubEdgeStore> logger) : IEdgeDirectory, IDisposable
{
    /// <summary>What an office behind one edge holds open at once (about 50 people's browsers need some 1,500).</summary>
    public const int DefaultMaxSessions = 16384;

    private readonly ListenerSet<string> _changed = new();

    // One writer at a time, so the snapshot each write publishes is never overtaken by an older one.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    // Replaced whole once a write commits: the hub's connect path reads it without locks or database round trips.
    private volatile FrozenDictionary<string, EdgeCredential>? _credentials;

    /// <summary>Loads the register into memory; the database initializer calls it at start-up.</summary>
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            _credentials = await LoadCredentialsAsync(db, ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public ValueTask<EdgeCredential?> FindAsync(string edgeId, CancellationToken ct = default) =>
        _credentials is { } credentials
            ? ValueTask.FromResult(credentials.GetValueOrDefault(edgeId))
            : FindBeforeInitializedAsync(edgeId, ct);

    public IDisposable Subscribe(Action<string> changed) => _changed.Add(changed);

    public async Task<IReadOnlyList<HubEdge>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.HubEdges.AsNoTracking().OrderBy(e => e.Id).ToListAsync(ct);
        return rows.Select(HubEdge.From).ToList();
    }

    public async Task<HubEdge> GetAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.HubEdges.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw NotFound(id);
        return HubEdge.From(row);
    }

    public Task<HubEdgeWithKey> CreateAsync(NewHubEdge edge, ChangeContext who, CancellationToken ct = default)
    {
        var allowed = ValidateNew(edge);
        return WriteAsync(edge.Id, async db =>
        {
            if (await db.HubEdges.AnyAsync(e => e.Id == edge.Id, ct))
            {
                throw new ConfigConflictException($"An edge with id '{edge.Id}' already exists.");
            }
            var now = Now();
            var entity = new HubEdgeEntity { Id = edge.Id, Key = edge.Key ?? GenerateKey(), CreatedAt = now, UpdatedAt = now };
            CopyFrom(entity, new HubEdgeUpdate(edge.Description, edge.Enabled, edge.Encrypt, edge.MaxSessions), allowed);
            db.HubEdges.Add(entity);
            Audit(db, who, now, "edge.create", entity.Id, $"{Describe(entity)}; {KeyOrigin(edge.Key)}");
            await db.SaveChangesAsync(ct);
            return HubEdgeWithKey.From(entity);
        }, ct);
    }

    public Task<HubEdge> UpdateAsync(string id, HubEdgeUpdate update, ChangeContext who, CancellationToken ct = default)
    {
        var allowed = ValidateUpdate(update);
        return WriteAsync(id, async db =>
        {
            var entity = await db.HubEdges.FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw NotFound(id);
            CopyFrom(entity, update, allowed);
            entity.UpdatedAt = Now();
            Audit(db, who, entity.UpdatedAt, "edge.update", id, Describe(entity));
            await db.SaveChangesAsync(ct);
            return HubEdge.From(entity);
        }, ct);
    }

    /// <summary>Replaces the key with <paramref name="key"/>, or with a generated one when null. The old key stops working at once.</summary>
    public Task<HubEdgeWithKey> RotateKeyAsync(string id, string? key, ChangeContext who, CancellationToken ct = default)
    {
        ValidateKey(key);
        return WriteAsync(id, async db =>
        {
            var entity = await db.HubEdges.FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw NotFound(id);
            entity.Key = key ?? GenerateKey();
            entity.UpdatedAt = Now();
            Audit(db, who, entity.UpdatedAt, "edge.rotate-key", id, KeyOrigin(key));
            await db.SaveChangesAsync(ct);
            return HubEdgeWithKey.From(entity);
        }, ct);
    }

    public Task DeleteAsync(string id, ChangeContext who, CancellationToken ct = default) =>
        WriteAsync(id, async db =>
        {
            var entity = await db.HubEdges.FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw NotFound(id);
            db.HubEdges.Remove(entity);
            Audit(db, who, Now(), "edge.delete", id, "");
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);

    public void Dispose() => _writeLock.Dispose();

    private async Task<T> WriteAsync<T>(string id, Func<ApplianceDbContext, Task<T>> change, CancellationToken ct)
    {
        T result;
        await _writeLock.WaitAsync(ct);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            result = await change(db);
            // Read inside the transaction and published only after the commit: a failed write leaves the hub's view as it was.
            var credentials = await LoadCredentialsAsync(db, ct);
            await transaction.CommitAsync(ct);
            _credentials = credentials;
        }
        finally
        {
            _writeLock.Release();
        }
        // Told after the new register is in force, so a subscriber that looks the edge up sees the change.
        _changed.Notify(id, ex => LogSubscriberFailed(logger, id, ex));
        return result;
    }

    // Only reached when something asks before start-up loaded the register.
    private async ValueTask<EdgeCredential?> FindBeforeInitializedAsync(string edgeId, CancellationToken ct)
    {
        if (_credentials is null)
        {
            await InitializeAsync(ct);
        }
        return _credentials!.GetValueOrDefault(edgeId);
    }

    private static async Task<FrozenDictionary<string, EdgeCredential>> LoadCredentialsAsync(ApplianceDbContext db, CancellationToken ct)
    {
        var rows = await db.HubEdges.AsNoTracking().ToListAsync(ct);
        return rows.ToFrozenDictionary(
            e => e.Id,
            e => new EdgeCredential(e.Id, e.Key, e.Enabled, e.Encrypt, e.MaxSessions) { AllowedDestinations = ParseAllowed(e.AllowedDestinations) },
            StringComparer.Ordinal);
    }

    // Stored only after validation; an entry spoiled behind the store's back opens nothing rather than stopping the hub.
    private static IReadOnlyList<IPNetwork> ParseAllowed(IEnumerable<string> entries) =>
        [.. entries.Select(e => IPNetwork.TryParse(e, out var network) ? network : (IPNetwork?)null).OfType<IPNetwork>()];

    private static void CopyFrom(HubEdgeEntity entity, HubEdgeUpdate update, IReadOnlyList<IPNetwork> allowed)
    {
        entity.Description = update.Description ?? "";
        entity.Enabled = update.Enabled;
        entity.Encrypt = update.Encrypt;
        entity.MaxSessions = update.MaxSessions;
        entity.AllowedDestinations = [.. allowed.Select(n => n.ToString())];
    }

    // Stored as Unix milliseconds; rounding here makes the write's answer equal to what later reads return.
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    // The audit trail is readable by every operator: it records that a key was set, never the key.
    private static void Audit(ApplianceDbContext db, ChangeContext who, DateTimeOffset at, string action, string id, string details) =>
        AuditLog.Add(db, at, who, action, $"edge {id}", details);

    private static string Describe(HubEdgeEntity e) =>
        $"{(e.Enabled ? "enabled" : "disabled")}{(e.Encrypt ? ", encrypted" : "")}, max {e.MaxSessions} sessions" +
        (e.AllowedDestinations.Count == 0 ? "" : $", allowed {string.Join(' ', e.AllowedDestinations)}");

    private static string KeyOrigin(string? suppliedKey) => suppliedKey is null ? "key generated" : "key supplied";

    private static ConfigNotFoundException NotFound(string id) => new($"No edge with id '{id}'.");

    [LoggerMessage(Level = LogLevel.Error, Message = "A subscriber failed on the change of edge {Edge}")]
    private static partial void LogSubscriberFailed(ILogger logger, string edge, Exception exception);
}
