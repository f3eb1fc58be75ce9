using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Appliance.Data.Store.Security;

public sealed partial class AccountStore
{
    private const string UnknownUserTarget = "unknown user";
    // How late a failure's count may reach the database: long enough that a flood costs a write per second, not per try.
    private static readonly TimeSpan FlushDelay = TimeSpan.FromSeconds(1);

    /// <summary>Writes the counts of repeated failed sign-ins that still wait (at most <c>1 s</c> old); readers of the audit trail call it first.</summary>
    public async Task FlushFailuresAsync(CancellationToken ct = default)
    {
        if (_disposed)
        {
            return;
        }
        await _writeLock.WaitAsync(ct);
        try
        {
            Interlocked.Exchange(ref _flushArmed, 0);
            if (_failures.HasPending)
            {
                await using var db = await _dbFactory.CreateDbContextAsync(ct);
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await _failures.FlushAsync(db, Now(), ct);
                await transaction.CommitAsync(ct);
            }
        }
        finally
        {
            // A failed write keeps its counts: the timer tries again.
            ArmFlush();
            _writeLock.Release();
        }
    }

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
            return FailUnknown(who);
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
            return FailUnknown(who);
        }
        if (user.LockedUntil is { } until && until > Now())
        {
            RecordFailure(who, $"user {name}", $"locked until {until:u}");
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
                RecordFailure(who, $"user {name}", "the account changed during the sign-in");
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
        RecordFailure(who, $"user {user.UserName}", details);
        return user.LockedUntil is { } locked && locked > now
            ? new LoginResult(LoginOutcome.LockedOut, LockedUntil: locked)
            : new LoginResult(LoginOutcome.Failed);
    }

    // Every unknown name tried from one source shares an entry: a scan through a dictionary of names is one line.
    private LoginResult FailUnknown(ChangeContext who)
    {
        RecordFailure(who, UnknownUserTarget, $"no such user: '{who.Actor}'");
        return new LoginResult(LoginOutcome.Failed);
    }

    // Counted in memory (no write lock, no database); the flush a second later writes a source's failures together.
    private void RecordFailure(ChangeContext who, string target, string details)
    {
        _failures.Record(Now(), who, target, details);
        ArmFlush();
    }

    private void ArmFlush()
    {
        if (_failures.HasPending && !_stopping && Interlocked.CompareExchange(ref _flushArmed, 1, 0) == 0)
        {
            _flushTimer.Change(FlushDelay, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task FlushFromTimerAsync()
    {
        try
        {
            await FlushFailuresAsync();
        }
        catch (ObjectDisposedException)
        {
            // The store was disposed while the timer fired: DisposeAsync wrote what it could.
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            LogFlushFailed(_logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the counts of failed sign-ins to the audit trail failed; they are tried again")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    private async Task<bool> ExistsAsync(string name, CancellationToken ct)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AnyAsync(u => u.UserName == name, ct);
    }
}
