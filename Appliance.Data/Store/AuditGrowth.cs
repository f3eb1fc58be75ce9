using Appliance.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Appliance.Data.Store;

/// <summary>
/// Counts audit entries as they are written, whoever writes them, so the retention pass can run early when the trail
/// grows faster than its schedule expects (a flood of sign-ins from ever new addresses).
/// </summary>
public sealed class AuditGrowth : SaveChangesInterceptor
{
    private readonly Lock _lock = new();
    private long _added;
    private long _threshold = long.MaxValue;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Entries added since the process started (a save that then fails still counts: this is a hint, not a tally).</summary>
    public long Added
    {
        get
        {
            lock (_lock)
            {
                return _added;
            }
        }
    }

    /// <summary>Completes once <paramref name="more"/> entries have been added since <see cref="Added"/> read <paramref name="since"/>.</summary>
    public Task WhenAdded(long since, long more)
    {
        lock (_lock)
        {
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _threshold = since + Math.Max(1, more);
            if (_added >= _threshold)
            {
                _threshold = long.MaxValue;
                _reached.TrySetResult();
            }
            return _reached.Task;
        }
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Count(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Count(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Count(DbContext? context)
    {
        var added = context?.ChangeTracker.Entries<AuditEntryEntity>().Count(e => e.State == EntityState.Added) ?? 0;
        if (added == 0)
        {
            return;
        }
        lock (_lock)
        {
            _added += added;
            if (_added >= _threshold)
            {
                _threshold = long.MaxValue;
                _reached.TrySetResult();
            }
        }
    }
}
