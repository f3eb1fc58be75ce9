using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Appliance.Data.Entities;
using Appliance.Engine.Configuration.Validation;
using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Store.Security;

/// <summary>
/// Users: the first admin (only while there is none), sign-in with lockout, and user management. Every sign-in,
/// failed or not, and every change is audited; passwords and hashes never leave the store.
/// </summary>
public sealed partial class AccountStore(
    IDbContextFactory<ApplianceDbContext> dbFactory, IPasswordHashing hashing, TimeProvider time, LockoutPolicy? lockout = null) : IDisposable
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 128;
    private readonly LockoutPolicy _lockout = lockout ?? LockoutPolicy.Default;
    // Serialises writes: "create the first admin" must not succeed twice, and failure counts must not be lost.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    // Verified against when the user does not exist, so an unknown name takes as long as a wrong password.
    private readonly Lazy<string> _dummyHash = new(() => hashing.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,63}\z")]
    private static partial Regex UserNamePattern();

    public async Task<bool> HasUsersAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(ct);
    }

    /// <summary>Creates the first admin; refused once any user exists (the appliance ships without a password).</summary>
    public Task<UserInfo> SetupAsync(string userName, string password, ChangeContext who, CancellationToken ct = default)
    {
        var user = new NewUser(Normalize(userName), password, UserRole.Admin);
        Validate(user);
        return WriteAsync(async db =>
        {
            if (await db.Users.AnyAsync(ct))
            {
                throw new ConfigConflictException("The appliance already has an admin; sign in instead.");
            }
            var created = Add(db, user);
            AuditLog.Add(db, Now(), who with { Actor = user.UserName }, "user.setup", $"user {user.UserName}", "first admin created");
            await db.SaveChangesAsync(ct);
            return UserInfo.From(created);
        }, ct);
    }

    public Task<UserInfo> CreateAsync(NewUser user, ChangeContext who, CancellationToken ct = default)
    {
        user = user with { UserName = Normalize(user.UserName) };
        Validate(user);
        return WriteAsync(async db =>
        {
            if (await db.Users.AnyAsync(u => u.UserName == user.UserName, ct))
            {
                throw new ConfigConflictException($"A user named '{user.UserName}' exists already.");
            }
            var created = Add(db, user);
            AuditLog.Add(db, Now(), who, "user.create", $"user {user.UserName}", $"role {Role(user.Role)}");
            await db.SaveChangesAsync(ct);
            return UserInfo.From(created);
        }, ct);
    }

    public async Task<IReadOnlyList<UserInfo>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        return rows.Select(UserInfo.From).ToList();
    }

    public async Task<UserInfo> GetAsync(string userName, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var name = Normalize(userName);
        return UserInfo.From(await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == name, ct) ?? throw NotFound(name));
    }

    /// <summary>Changes role and/or password. The last admin cannot lose the role; sessions signed in before end.</summary>
    public Task<UserInfo> UpdateAsync(string userName, UserUpdate update, ChangeContext who, CancellationToken ct = default)
    {
        var name = Normalize(userName);
        if (update.Password is not null)
        {
            ThrowIfAny(CheckPassword(update.Password, new ValidationErrors()));
        }
        return WriteAsync(async db =>
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
            if (update.Password is not null)
            {
                user.PasswordHash = hashing.Hash(update.Password);
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
            AuditLog.Add(db, Now(), who, "user.delete", $"user {name}", "");
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
    }

    /// <summary>
    /// Checks a sign-in. Failures count towards the lockout; a locked account is refused without looking at the
    /// password. Every outcome is audited under the name that was tried.
    /// </summary>
    public Task<LoginResult> SignInAsync(string userName, string password, string source, CancellationToken ct = default)
    {
        var name = Normalize(userName);
        var who = new ChangeContext(name.Length is > 0 and <= 64 ? name : "(invalid name)", source);
        return WriteAsync(async db =>
        {
            var now = Now();
            var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == name, ct);
            if (user is null)
            {
                hashing.Verify(_dummyHash.Value, password, out _);
                AuditLog.Add(db, now, who, "login.failure", $"user {who.Actor}", "unknown user");
                await db.SaveChangesAsync(ct);
                return new LoginResult(LoginOutcome.Failed);
            }
            if (user.LockedUntil is { } until && until > now)
            {
                AuditLog.Add(db, now, who, "login.failure", $"user {name}", $"locked until {until:u}");
                await db.SaveChangesAsync(ct);
                return new LoginResult(LoginOutcome.LockedOut, LockedUntil: until);
            }
            if (!hashing.Verify(user.PasswordHash, password, out var rehash))
            {
                user.FailedLogins++;
                var details = $"wrong password ({user.FailedLogins} of {_lockout.MaxFailures})";
                if (user.FailedLogins >= _lockout.MaxFailures)
                {
                    user.LockedUntil = now + _lockout.Duration;
                    user.FailedLogins = 0;
                    details += $"; locked until {user.LockedUntil:u}";
                }
                AuditLog.Add(db, now, who, "login.failure", $"user {name}", details);
                await db.SaveChangesAsync(ct);
                return user.LockedUntil is { } locked && locked > now
                    ? new LoginResult(LoginOutcome.LockedOut, LockedUntil: locked)
                    : new LoginResult(LoginOutcome.Failed);
            }
            if (rehash)
            {
                user.PasswordHash = hashing.Hash(password);
            }
            user.FailedLogins = 0;
            user.LockedUntil = null;
            user.LastLoginAt = now;
            AuditLog.Add(db, now, who, "login.success", $"user {name}", $"role {Role(user.Role)}");
            await db.SaveChangesAsync(ct);
            return new LoginResult(LoginOutcome.Succeeded, UserInfo.From(user), user.SecurityStamp);
        }, ct);
    }

    /// <summary>The user's role while the session's stamp is still current; null when the session has ended.</summary>
    public async Task<UserRole?> ValidateSessionAsync(string userName, string securityStamp, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var name = Normalize(userName);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == name, ct);
        return user is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(user.SecurityStamp), System.Text.Encoding.ASCII.GetBytes(securityStamp))
            ? user.Role
            : null;
    }

    /// <summary>Records a sign-out or another account event that changes nothing stored.</summary>
    public Task AuditAsync(ChangeContext who, string action, string target, string details, CancellationToken ct = default) =>
        WriteAsync(async db =>
        {
            AuditLog.Add(db, Now(), who, action, target, details);
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);

    public void Dispose() => _writeLock.Dispose();

    public static string Role(UserRole role) => role.ToString().ToLowerInvariant();

    private UserEntity Add(ApplianceDbContext db, NewUser user)
    {
        var now = Now();
        var entity = new UserEntity
        {
            UserName = user.UserName, PasswordHash = hashing.Hash(user.Password), Role = user.Role,
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
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await change(db);
            await transaction.CommitAsync(ct);
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
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    private static ConfigNotFoundException NotFound(string name) => new($"No user named '{name}'.");
}
