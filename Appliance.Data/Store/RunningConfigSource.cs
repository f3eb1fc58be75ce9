using Appliance.Engine.Configuration;

namespace Appliance.Data.Store;

/// <summary>What the engine follows: the published running snapshot, and the revision log that takes its verdicts.</summary>
internal sealed class RunningConfigSource(RunningConfigPublisher running, RevisionLog revisions, DatabaseReadiness readiness) : IRunningConfigSource
{
    public ConfigSnapshot Current => running.Current;

    public Task Ready => readiness.Ready;

    public IDisposable Subscribe(Action<ConfigSnapshot> onChanged) => running.Subscribe(onChanged);

    public Task MarkFailedAsync(long revisionId, string reason, CancellationToken ct = default) =>
        revisions.MarkFailedAsync(revisionId, reason, ct);
}
