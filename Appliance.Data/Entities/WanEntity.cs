using Appliance.Engine.Configuration;

namespace Appliance.Data.Entities;

/// <summary>
/// A WAN in the pending (editable) configuration: the WAN as one JSON document, with its name beside it for the
/// unique index and lookups. Its id is only its place in the list (the order WANs were added in).
/// </summary>
public sealed class WanEntity
{
    private WanLink _wan = new();

    private WanEntity()
    {
    }

    public WanEntity(WanLink wan) => Wan = wan;

    public int Id { get; set; }

    /// <summary>The document's name, kept in step with it.</summary>
    public string Name { get; private set; } = "";

    public WanLink Wan
    {
        get => _wan;
        set
        {
            _wan = value;
            Name = value.Name;
        }
    }

    /// <summary>Optimistic concurrency token, exposed to clients as the ETag.</summary>
    public long Version { get; set; }
}
