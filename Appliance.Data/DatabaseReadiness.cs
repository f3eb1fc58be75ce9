namespace Appliance.Data;

/// <summary>
/// Completes once the database is migrated and what is served from memory (the running revision, the hub's edges,
/// the link history) is loaded; fails when that could not be done. Whatever needs the data waits for it, so the
/// order in which hosted services start does not matter.
/// </summary>
public sealed class DatabaseReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    internal void Complete() => _ready.TrySetResult();

    internal void Fail(Exception error) => _ready.TrySetException(error);
}
