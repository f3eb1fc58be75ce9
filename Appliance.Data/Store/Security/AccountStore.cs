using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Appliance.Data.Entities;
using Appliance.Engine.Configuration.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Appliance.Data.Store.Security;

/// <summary>
/// Users: the first admin (only while there is none), sign-in with lockout, and user management. Every sign-in,
/// failed or not, and every change is audited; passwords and hashes never leave the store.
/// </summary>
public sealed partial class AccountStore : IDisposable, IAsyncDisposable
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 128;
    private readonly IDbContextFactory<ApplianceDbContext> _dbFactory;
    private readonly TimeProvider _time;
    private readonly LockoutPolicy _lockout;
    private readonly PasswordWork _passwords;
    private readonly SignInFailureLog _failures;
    private readonly ITimer _flushTimer;
    private readonly ILogger _logger;
    // Whether the flush timer is set (1), whether it may be set again, and whether anything may be written.
    private int _flushArmed;
    private volatile bool _stopping;
    private volatile bool _disposed;
    // Serialises writes, which are short (no hashing inside): "create the first admin" must not succeed twice.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    // One sign-in per user at a time: failure counts cannot lose an update, and a burst against one name hashes no
    // more often than the lockout allows. Only names of existing users get one, so the map stays as small as the user list.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _userLocks = new(StringComparer.Ordinal);

    public AccountStore(
        IDbContextFactory<ApplianceDbContext> dbFactory, IPasswordHashing hashing, TimeProvider time, LockoutPolicy? lockout = null,
        IOptions<AuditOptions>? audit = null, ILogger<AccountStore>? logger = null)
    {
        _dbFactory = dbFactory;
        _time = time;
        _lockout = lockout ?? LockoutPolicy.Default;
        _logger = logger ?? NullLogger<AccountStore>.Instance;
        _passwords = new PasswordWork(hashing, time);
        _failures = new SignInFailureLog(TimeSpan.FromMinutes(Math.Max(1, (audit?.Value ?? new AuditOptions()).FailureWindowMinutes)));
        _flushTimer = time.CreateTimer(_ => _ = FlushFromTimerAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,63}\z")]
    private static partial Regex UserNamePattern();

    public async Task<bool> HasUsersAsync(CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(ct);
    }

    /// <summary>Creates the first admin; refused once any user exists (the appliance ships without a password).</summary>
    public async Task<UserInfo> SetupAsync(string userName, string password, ChangeContext who, CancellationToken ct = default)
    {
        var user = new NewUser(Normalize(userName), password, UserRole.Admin);
        Validate(user);
        var hash = await _passwords.HashAsync(user.Password, ct);
        return await WriteAsync(async db =>
        {
            if (await db.Users.AnyAsync(ct))
            {
                throw new ConfigConflictException("The appliance already has an admin; sign in instead.");
            }
            var created = Add(db, user, hash);
            AuditLog.Add(db, Now(), who with { Actor = user.UserName }, "user.setup", $"user {user.UserName}", "first admin created");
            await db.SaveChangesAsync(ct);
            return UserInfo.From(created);
        }, ct);
    }

    public async Task<UserInfo> CreateAsync(NewUser user, ChangeContext who, CancellationToken ct = default)
    {
        user = user with { UserName = Normalize(user.UserName) };
        Validate(user);
        var hash = await _passwords.HashAsync(user.Password, ct);
        return await WriteAsync(async db =>
        {
            if (await db.Users.AnyAsync(u => u.UserName == user.UserName, ct))
            {
                throw new ConfigConflictException($"A user named '{user.UserName}' exists already.");
            }
            var created = Add(db, user, hash);
            AuditLog.Add(db, Now(), who, "user.create", $"user {user.UserName}", $"role {Role(user.Role)}");
            await db.SaveChangesAsync(ct);
            return UserInfo.From(created);
        }, ct);
    }

    public async Task<IReadOnlyList<UserInfo>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        return rows.Select(UserInfo.From).ToList();
    }

    public async Task<UserInfo> GetAsync(string userName, CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var name = Normalize(userName);
        return UserInfo.From(await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == name, ct) ?? throw NotFound(name));
    }

    /// <summary>Changes role and/or password. The last admin cannot lose the role; sessions signed in before end.</summary>
    public async Task<UserInfo> UpdateAsync(string userName, UserUpdate update, ChangeContext who, CancellationToken ct = default)
    {
        var name = Normalize(userName);
        string? hash = null;
        if (update.Password is not null)
        {
            ThrowIfAny(CheckPassword(update.Password, new ValidationErrors()));
            hash = await _passwords.HashAsync(update.Password, ct);
        }
        return await WriteAsync(async db =>
        {
            var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == name, ct) ?? throw NotFound(name);
            var changes = new List<string>();
            if (update.Role is { } role && role != user.Role)
            {
                if (user.Role == UserRole.Admin && await db.Users.CountAsync(u => u.Role == UserRole.Admin, ct) == 1)
                {
                    throw new ConfigConflictException($"'{name}' is the last admin; make another user admin first.");
                }
                changes.Add($"role {Role(user.Role)} -> {Role(role)}");
                user.Role = role;
            }
            if (hash is not null)
            {
                user.PasswordHash = hash;
                user.FailedLogins = 0;
                user.LockedUntil = null;
                changes.Add("password changed");
            }
            if (changes.Count > 0)
            {
                user.SecurityStamp = NewStamp();
                user.UpdatedAt = Now();
                AuditLog.Add(db, Now(), who, "user.update", $"user {name}", string.Join("; ", changes));
                await db.SaveChangesAsync(ct);
            }
            return UserInfo.From(user);
        }, ct);
    }

    /// <summary>Removes a user (not the last admin) and revokes the tokens they created, in one step.</summary>
    public Task DeleteAsync(string userName, ChangeContext who, CancellationToken ct = default)
    {
        var name = Normalize(userName);
        return WriteAsync(async db =>
        {
            var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == name, ct) ?? throw NotFound(name);
            if (user.Role == UserRole.Admin && await db.Users.CountAsync(u => u.Role == UserRole.Admin, ct) == 1)
            {
                throw new ConfigConflictException($"'{name}' is the last admin and cannot be deleted.");
            }
            db.Users.Remove(user);
            var now = Now();
            AuditLog.Add(db, now, who, "user.delete", $"user {name}", "");
            // A user of the same name created later must not inherit these.
            foreach (var token in await db.ApiTokens.Where(t => t.CreatedBy == name && t.RevokedAt == null).ToListAsync(ct))
            {
                token.RevokedAt = now;
                AuditLog.Add(db, now, who, "token.revoke", $"token {token.Name}", $"id {token.Id}; its creator {name} was deleted");
            }
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
    }

    /// <summary>The user's role while the session's stamp is still current; null when the session has ended.</summary>
    public async Task<UserRole?> ValidateSessionAsync(string userName, string securityStamp, CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        var name = Normalize(userName);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == name, ct);
        return user is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(user.SecurityStamp), System.Text.Encoding.ASCII.GetBytes(securityStamp))
            ? user.Role
            : null;
    }

    /// <summary>Writes what the audit trail still owes, then releases everything.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _stopping = true;
        await _flushTimer.DisposeAsync();
        try
        {
            await FlushFailuresAsync();
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or ObjectDisposedException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogFlushFailed(_logger, ex);
        }
        Dispose();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _stopping = true;
        _disposed = true;
        _flushTimer.Dispose();
        _writeLock.Dispose();
        _passwords.Dispose();
        foreach (var userLock in _userLocks.Values)
        {
            userLock.Dispose();
        }
    }

    public static string Role(UserRole role) => role.ToString().ToLowerInvariant();

    private UserEntity Add(ApplianceDbContext db, NewUser user, string passwordHash)
    {
        var now = Now();
        var entity = new UserEntity
        {
            UserName = user.UserName, PasswordHash = passwordHash, Role = user.Role,
            SecurityStamp = NewStamp(), CreatedAt = now, UpdatedAt = now,
        };
        db.Users.Add(entity);
        return entity;
    }

    private async Task<T> WriteAsync<T>(Func<ApplianceDbContext, Task<T>> change, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await change(db);
            await transaction.CommitAsync(ct);
            ArmFlush();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void Validate(NewUser user)
    {
        var errors = new ValidationErrors();
        if (!UserNamePattern().IsMatch(user.UserName))
        {
            errors.Add("userName", "must be 1 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
        }
        else if (TokenCreators.IsAppliance(user.UserName))
        {
            // Tokens made by the appliance itself carry these names as their creator.
            errors.Add("userName", $"'{user.UserName}' is reserved for the appliance itself");
        }
        if (!Enum.IsDefined(user.Role))
        {
            errors.Add("role", "must be admin, operator or viewer");
        }
        ThrowIfAny(CheckPassword(user.Password, errors));
    }

    // The message never quotes the password.
    private static ValidationErrors CheckPassword(string? password, ValidationErrors errors)
    {
        if (password is null || password.Length is < MinPasswordLength or > MaxPasswordLength)
        {
            errors.Add("password", $"must be {MinPasswordLength} to {MaxPasswordLength} characters");
        }
        return errors;
    }

    private static void ThrowIfAny(ValidationErrors errors)
    {
        if (!errors.IsEmpty)
        {
            throw new ConfigValidationException(errors, "The user is invalid.");
        }
    }

    private static string Normalize(string? userName) => (userName ?? "").Trim().ToLowerInvariant();

    private static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    // Stored as Unix milliseconds; rounding here makes the write's answer equal to what later reads return.
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());

    private static ConfigNotFoundException NotFound(string name) => new($"No user named '{name}'.");
}
