namespace Appliance.Web.Components.Dashboard;

/// <summary>The event log's lines, newest first, at most <see cref="Capacity"/>: a flapping link must not grow the page without end.</summary>
public sealed class EventLogBuffer(int capacity = EventLogBuffer.DefaultCapacity)
{
    public const int DefaultCapacity = 50;

    private readonly List<DashboardEvent> _events = [];

    public int Capacity { get; } = capacity;

    public IReadOnlyList<DashboardEvent> Events => _events;

    /// <summary>A live event goes on top.</summary>
    public void Prepend(DashboardEvent entry)
    {
        _events.Insert(0, entry);
        Bound();
    }

    /// <summary>
    /// The stored events (newest first) go below the live ones: the store may answer after a live event has
    /// already arrived, and that live event is newer than anything stored before the page opened.
    /// </summary>
    public void AppendOlder(IEnumerable<DashboardEvent> newestFirst)
    {
        var known = _events.ToHashSet();
        _events.AddRange(newestFirst.Where(e => !known.Contains(e)));
        Bound();
    }

    private void Bound()
    {
        if (_events.Count > Capacity)
        {
            _events.RemoveRange(Capacity, _events.Count - Capacity);
        }
    }
}
