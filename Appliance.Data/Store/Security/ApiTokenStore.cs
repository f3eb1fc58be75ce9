using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Appliance.Data.Entities;
using Appliance.Engine.Configuration.Validation;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Store.Security;

/// <summary>
/// Bearer tokens for automation: shown once when created, stored as a hash, revocable, with an optional expiry and
/// the last use recorded. A token never does more than its creator may do now: its role is bounded by the creator's
/// current role, and a deleted creator's tokens are revoked. Every creation and revocation is audited, never with the token.
/// </summary>
public sealed class ApiTokenStore(IDbContextFactory<ApplianceDbContext> dbFactory, TimeProvider time)
{
    public const string TokenPrefix = "apl_";
    public const int MaxNameLength = 64;
    // A token used every second would otherwise write the database every second.
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Creates a token for <paramref name="who"/>. Names are unique among the creator's tokens that are not revoked;
    /// with <paramref name="replace"/> a token of the same name is revoked instead of refusing (rotation from a script).
    /// </summary>
    public Task<CreatedApiToken> CreateAsync(NewApiToken token, ChangeContext who, CancellationToken ct = default) =>
        CreateAsync(token, who, replace: false, ct);

    /// <summary>Like <see cref="CreateAsync(NewApiToken, ChangeContext, CancellationToken)"/>, but a token of the same name is revoked and replaced.</summary>
    public Task<CreatedApiToken> CreateOrReplaceAsync(NewApiToken token, ChangeContext who, CancellationToken ct = default) =>
        CreateAsync(token, who, replace: true, ct);

    private async Task<CreatedApiToken> CreateAsync(NewApiToken token, ChangeContext who, bool replace, CancellationToken ct)
    {
        var name = Validate(token);
        var now = Now();

        // 256 random bits; the prefix makes a leaked token recognisable to secret scanners and people alike.
        var secret = TokenPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var entity = new ApiTokenEntity
        {
            Name = name, Role = token.Role, Hash = HashOf(secret), Prefix = secret[..(TokenPrefix.Length + 4)],
            CreatedBy = who.Actor, CreatedAt = now,
            ExpiresAt = token.ExpiresAt is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e.ToUnixTimeMilliseconds()) : null,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.ApiTokens.FirstOrDefaultAsync(t => t.CreatedBy == who.Actor && t.Name == name && t.RevokedAt == null, ct) is { } existing)
        {
            if (!replace)
            {
                throw NameTaken(name);
            }
            existing.RevokedAt = now;
            AuditLog.Add(db, now, who, "token.revoke", $"token {name}", $"id {existing.Id}; replaced by a new token of the same name");
            await db.SaveChangesAsync(ct);
        }
        db.ApiTokens.Add(entity);
        AuditLog.Add(db, now, who, "token.create", $"token {name}",
            $"role {AccountStore.Role(token.Role)}{(entity.ExpiresAt is { } at ? $", expires {at:u}" : ", no expiry")}");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is SqliteException { SqliteErrorCode: 19 })
        {
            // The same name created at the same moment by another request: the index decides, and says so here.
            throw NameTaken(name);
        }
        await transaction.CommitAsync(ct);
        return new CreatedApiToken(ApiTokenInfo.From(entity), secret);
    }

    /// <summary>Checks a token to be created, every field at once; returns its trimmed name.</summary>
    /// <exception cref="ConfigValidationException">Something is wrong; nothing was created.</exception>
    public string Validate(NewApiToken token)
    {
        var errors = new ValidationErrors();
        var name = token.Name?.Trim() ?? "";
        if (name.Length is < 1 or > MaxNameLength || !name.All(c => c is >= ' ' and <= '~'))
        {
            errors.Add("name", $"must be 1 to {MaxNameLength} printable ASCII characters");
        }
        if (!Enum.IsDefined(token.Role))
        {
            errors.Add("role", "must be admin, operator or viewer");
        }
        if (token.ExpiresAt is { } expires && expires <= Now())
        {
            errors.Add("expiresAt", "must be in the future");
        }
        if (!errors.IsEmpty)
        {
            throw new ConfigValidationException(errors, "The token is invalid.");
        }
        return name;
    }

    /// <summary>Every token, or only those <paramref name="createdBy"/> created; newest first.</summary>
    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(string? createdBy = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.ApiTokens.AsNoTracking();
        if (createdBy is not null)
        {
            query = query.Where(t => t.CreatedBy == createdBy);
        }
        return (await query.OrderByDescending(t => t.Id).ToListAsync(ct)).Select(ApiTokenInfo.From).ToList();
    }

    public async Task<ApiTokenInfo> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return ApiTokenInfo.From(await db.ApiTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw NotFound(id));
    }

    /// <summary>Revokes a token at once; revoking one that is revoked already changes nothing.</summary>
    public async Task<ApiTokenInfo> RevokeAsync(int id, ChangeContext who, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw NotFound(id);
        if (token.RevokedAt is null)
        {
            token.RevokedAt = Now();
            AuditLog.Add(db, token.RevokedAt.Value, who, "token.revoke", $"token {token.Name}", $"id {id}");
            await db.SaveChangesAsync(ct);
        }
        return ApiTokenInfo.From(token);
    }

    /// <summary>Who the token speaks for, or null (with why) when it is unknown, revoked, expired or its creator is gone.</summary>
    public async Task<(TokenIdentity? Identity, string? Refusal)> AuthenticateAsync(string secret, string source, CancellationToken ct = default)
    {
        if (!secret.StartsWith(TokenPrefix, StringComparison.Ordinal) || secret.Length > 128)
        {
            return (null, "not an appliance token");
        }
        var hash = HashOf(secret);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Hash == hash, ct);
        if (token is null)
        {
            return (null, "unknown token");
        }
        var now = Now();
        var (role, refusal) = await EffectiveRoleAsync(db, token, now, ct);
        if (role is null)
        {
            return (null, refusal);
        }
        if (token.LastUsedAt is not { } last || now - last >= LastUseResolution || token.LastUsedFrom != source)
        {
            token.LastUsedAt = now;
            token.LastUsedFrom = source.Length <= 64 ? source : source[..64];
            await db.SaveChangesAsync(ct);
        }
        return (new TokenIdentity(token.Id, token.Name, role.Value, token.CreatedBy), null);
    }

    /// <summary>What the token may do now (see <see cref="AuthenticateAsync"/>); null when it is no longer accepted.</summary>
    public async Task<UserRole?> CurrentRoleAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.ApiTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        return token is null ? null : (await EffectiveRoleAsync(db, token, Now(), ct)).Role;
    }

    /// <summary>SHA-256 of the token, hex: what the store keeps and looks tokens up by.</summary>
    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    // The lower of the token's role and its creator's current one: demoting a user demotes their tokens with them.
    private static async Task<(UserRole? Role, string? Refusal)> EffectiveRoleAsync(ApplianceDbContext db, ApiTokenEntity token, DateTimeOffset now, CancellationToken ct)
    {
        if (token.RevokedAt is not null)
        {
            return (null, $"token '{token.Name}' was revoked");
        }
        if (token.ExpiresAt is { } expires && expires <= now)
        {
            return (null, $"token '{token.Name}' expired");
        }
        if (TokenCreators.IsAppliance(token.CreatedBy))
        {
            return (token.Role, null);
        }
        var creator = await db.Users.AsNoTracking().Where(u => u.UserName == token.CreatedBy).Select(u => (UserRole?)u.Role).FirstOrDefaultAsync(ct);
        return creator is { } creatorRole
            ? (token.Role < creatorRole ? token.Role : creatorRole, null)
            : (null, $"token '{token.Name}' was created by '{token.CreatedBy}', who is no longer a user");
    }

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    private static ConfigNotFoundException NotFound(int id) => new($"No token with id {id}.");

    private static ConfigConflictException NameTaken(string name) =>
        new($"You already have a token named '{name}'; revoke it first or choose another name.");
}
