using Appliance.Engine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Appliance.Data.Store;

/// <summary>
/// The one way into the configuration tables: a change at a time (edits are read-modify-write over several tables,
/// and an apply must see a settled pending copy), each in one transaction. Once a change commits its caller's
/// after-commit step runs, still in turn, and then the edit listeners hear of it.
/// </summary>
public sealed partial class ConfigWriter(IDbContextFactory<ApplianceDbContext> dbFactory, ILogger<ConfigWriter> logger) : IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ListenerSet _editListeners = new();

    /// <summary>
    /// Called after every committed change to the pending copy or to a revision (from the API, the UI, an import,
    /// a revert), so every open view of it can refresh; dispose the result to stop.
    /// </summary>
    public IDisposable SubscribeEdits(Action onEdited) => _editListeners.Add(onEdited);

    public Task WriteAsync(Func<ApplianceDbContext, Task> change, CancellationToken ct) =>
        WriteAsync<bool>(async db =>
        {
            await change(db);
            return true;
        }, afterCommit: null, ct);

    public Task<T> WriteAsync<T>(Func<ApplianceDbContext, Task<T>> change, CancellationToken ct) =>
        WriteAsync(change, afterCommit: null, ct);

    /// <summary>
    /// Runs <paramref name="change"/> in one transaction and returns what it returned. Effects outside the database
    /// travel in that result and <paramref name="afterCommit"/> carries them out once it committed: a change that
    /// rolls back leaves no trace, and effects land in the order their changes committed.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<ApplianceDbContext, Task<T>> change, Action<T>? afterCommit, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            T result;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                // Bulk deletes and several SaveChanges in one change must land together or not at all.
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                try
                {
                    result = await change(db);
                    await transaction.CommitAsync(ct);
                }
                catch (DbUpdateConcurrencyException)
                {
                    throw new ConfigVersionMismatchException("The item was changed by someone else; reload it and try again.");
                }
            }
            afterCommit?.Invoke(result);
            // The change is committed already: a listener's failure is its own and must not turn the change into an error.
            _editListeners.Notify(ex => LogEditListenerFailed(logger, ex));
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "A listener of configuration edits failed")]
    private static partial void LogEditListenerFailed(ILogger logger, Exception exception);
}
