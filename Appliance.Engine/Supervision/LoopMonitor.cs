using Appliance.Engine.Status;

namespace Appliance.Engine.Supervision;

/// <summary>
/// Every supervised loop of the process and how it is doing: <c>/api/v1/status</c> lists them, and the systemd
/// watchdog's health check stops the pings while a critical one is stalled.
/// </summary>
public sealed class LoopMonitor(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly List<LoopHandle> _loops = [];

    public TimeProvider Time => time;

    /// <param name="stall">When the loop counts as stalled; only critical loops get one.</param>
    public LoopHandle Register(string name, LoopStall? stall = null)
    {
        var handle = new LoopHandle(this, time, name, stall);
        lock (_lock)
        {
            _loops.Add(handle);
        }
        return handle;
    }

    /// <summary>Each loop's state now, in the order they registered.</summary>
    public IReadOnlyList<LoopStatus> Snapshot()
    {
        LoopHandle[] loops;
        lock (_lock)
        {
            loops = [.. _loops];
        }
        return loops.Select(l => l.Read()).ToList();
    }

    /// <summary>The critical loops that made no progress in time.</summary>
    public IReadOnlyList<LoopStatus> Stalled() => Snapshot().Where(l => l.State == LoopStates.Stalled).ToList();

    internal void Remove(LoopHandle handle)
    {
        lock (_lock)
        {
            _loops.Remove(handle);
        }
    }
}
