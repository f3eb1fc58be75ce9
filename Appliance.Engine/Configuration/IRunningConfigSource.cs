namespace Appliance.Engine.Configuration;

/// <summary>Where the engine gets the configuration to run, and where it reports a revision it cannot apply.</summary>
public interface IRunningConfigSource
{
    /// <summary>Completes once <see cref="Current"/> holds what was running when the appliance stopped (the store is migrated and loaded).</summary>
    Task Ready { get; }

    ConfigSnapshot Current { get; }

    /// <summary>Called after every change of <see cref="Current"/>; dispose to stop.</summary>
    IDisposable Subscribe(Action<ConfigSnapshot> onChanged);

    /// <summary>The revision failed to apply; the source falls back to the previous good one.</summary>
    Task MarkFailedAsync(long revisionId, string reason, CancellationToken ct = default);
}
