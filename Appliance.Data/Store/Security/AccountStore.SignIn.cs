using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Store.Security;

public sealed partial class AccountStore
{
    private const string UnknownUserTarget = "unknown user";

    /// <summary>
    /// Checks a sign-in. Failures count towards the lockout; a locked account is refused without looking at the
    /// password. Every outcome is audited under the name that was tried; repeated failures from one source share an
    /// entry. The password hash is checked outside any lock that other users' sign-ins wait for, and an unknown name
    /// costs no hash at all, though it takes about as long to answer.
    /// </summary>
    public async Task<LoginResult> SignInAsync(string userName, string password, string source, CancellationToken ct = default)
    {
        var name = Normalize(userName);
        var who = new ChangeContext(name.Length is > 0 and <= 64 ? name : "(invalid name)", source);
        if (!await ExistsAsync(name, ct))
        {
            await _passwords.ImitateVerifyAsync(ct);
            return await FailUnknownAsync(who, ct);
        }
        var userLock = _userLocks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await userLock.WaitAsync(ct);
        try
        {
            return await CheckPasswordAsync(name, password, who, ct);
        }
        finally
        {
            userLock.Release();
        }
    }

    private async Task<LoginResult> CheckPasswordAsync(string name, string password, ChangeContext who, CancellationToken ct)
    {
        UserEntity? user;
        await using (var db = await _dbFactory.CreateDbContextAsync(ct))
        {
            user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == name, ct);
        }
        if (user is null)
        {
            // Deleted since the first look.
            return await FailUnknownAsync(who, ct);
        }
        if (user.LockedUntil is { } until && until > Now())
        {
            await WriteAsync(async db =>
            {
                await _failures.RecordAsync(db, Now(), who, $"user {name}", $"locked until {until:u}", ct);
                return true;
            }, ct);
            return new LoginResult(LoginOutcome.LockedOut, LockedUntil: until);
        }

        var (matches, rehash) = await _passwords.VerifyAsync(user.PasswordHash, password, ct);
        var upgraded = matches && rehash ? await _passwords.HashAsync(password, ct) : null;

        return await WriteAsync(async db =>
        {
            var now = Now();
            var stored = await db.Users.FirstOrDefaultAsync(u => u.Id == user.Id, ct);
            if (stored is null || stored.PasswordHash != user.PasswordHash)
            {
                // Deleted, or given a new password, while the old one was being checked: that check proves nothing now.
                await _failures.RecordAsync(db, now, who, $"user {name}", "the account changed during the sign-in", ct);
                return new LoginResult(LoginOutcome.Failed);
            }
            if (!matches)
            {
                return await FailPasswordAsync(db, stored, now, who, ct);
            }
            if (upgraded is not null)
            {
                stored.PasswordHash = upgraded;
            }
            stored.FailedLogins = 0;
            stored.LockedUntil = null;
            stored.LastLoginAt = now;
            AuditLog.Add(db, now, who, "login.success", $"user {name}", $"role {Role(stored.Role)}");
            await db.SaveChangesAsync(ct);
            return new LoginResult(LoginOutcome.Succeeded, UserInfo.From(stored), stored.SecurityStamp);
        }, ct);
    }

    private async Task<LoginResult> FailPasswordAsync(ApplianceDbContext db, UserEntity user, DateTimeOffset now, ChangeContext who, CancellationToken ct)
    {
        user.FailedLogins++;
        var details = $"wrong password ({user.FailedLogins} of {_lockout.MaxFailures})";
        if (user.FailedLogins >= _lockout.MaxFailures)
        {
            user.LockedUntil = now + _lockout.Duration;
            user.FailedLogins = 0;
            details += $"; locked until {user.LockedUntil:u}";
        }
        await db.SaveChangesAsync(ct);
        await _failures.RecordAsync(db, now, who, $"user {user.UserName}", details, ct);
        return user.LockedUntil is { } locked && locked > now
            ? new LoginResult(LoginOutcome.LockedOut, LockedUntil: locked)
            : new LoginResult(LoginOutcome.Failed);
    }

    // Every unknown name tried from one source shares an entry: a scan through a dictionary of names is one line.
    private Task<LoginResult> FailUnknownAsync(ChangeContext who, CancellationToken ct) =>
        WriteAsync(async db =>
        {
            await _failures.RecordAsync(db, Now(), who, UnknownUserTarget, $"no such user: '{who.Actor}'", ct);
            return new LoginResult(LoginOutcome.Failed);
        }, ct);

    private async Task<bool> ExistsAsync(string name, CancellationToken ct)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(u => u.UserName == name, ct);
    }
}
