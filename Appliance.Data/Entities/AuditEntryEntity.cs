namespace Appliance.Data.Entities;

/// <summary>Who did what, when and from where.</summary>
public sealed class AuditEntryEntity
{
    public long Id { get; set; }
    /// <summary>When it happened; for an entry that stands for several failed sign-ins, the first of them.</summary>
    public DateTimeOffset Time { get; set; }
    public string Actor { get; set; } = "";
    /// <summary>Remote address of the client, or "system" for the appliance's own actions; an IPv6 /64 when failed sign-ins from several of its addresses share the entry.</summary>
    public string Source { get; set; } = "";
    public string Action { get; set; } = "";
    public string Target { get; set; } = "";
    public string Details { get; set; } = "";
    /// <summary>How many times it happened: repeated failed sign-ins from one source share one entry.</summary>
    public int Count { get; set; } = 1;
    /// <summary>The last of them when <see cref="Count"/> is above one.</summary>
    public DateTimeOffset? LastAt { get; set; }
}
