using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Appliance.Data.Store;

// The commit-confirm window ran out: the provisional revision is reverted and the previous one runs again.
public sealed partial class RevisionLog
{
    /// <summary>One attempt, made by the countdown; it throws when the write does not land, and the countdown tries again.</summary>
    private Task RevertUnconfirmedAsync(RevertAttempt attempt) =>
        WriteAsync(async db =>
        {
            var now = _time.GetUtcNow();
            var expired = await db.Revisions.FirstOrDefaultAsync(r => r.Status == RevisionStatus.Pending, CancellationToken.None);
            if (expired?.ConfirmDeadline is not { } deadline)
            {
                return new RevisionChange<bool>(false);
            }
            attempt.RevisionId = expired.Id;
            if (deadline > now)
            {
                // Timers run on a monotonic clock and may fire a little before the wall-clock deadline: wait out the rest.
                attempt.NotBefore = deadline;
                return new RevisionChange<bool>(false);
            }
            expired.Status = RevisionStatus.Reverted;
            expired.Error = $"not confirmed by {deadline:u}; reverted";
            expired.ConfirmDeadline = null;
            Audit(db, ChangeContext.System, "config.revert", $"revision {expired.Id}", "commit-confirm timed out");
            await db.SaveChangesAsync(CancellationToken.None);
            var running = await LoadRunningAsync(db, CancellationToken.None);
            LogReverted(_logger, expired.Id, running.RevisionId);
            return new RevisionChange<bool>(true) { Running = running };
        }, CancellationToken.None);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Revision {RevisionId} was not confirmed in time; running revision {RunningId} again")]
    private static partial void LogReverted(ILogger logger, long revisionId, long runningId);
}
