namespace Appliance.Data.Entities;

/// <summary>Who did what, when and from where.</summary>
public sealed class AuditEntryEntity
{
    public long Id { get; set; }
    public DateTimeOffset Time { get; set; }
    public string Actor { get; set; } = "";
    /// <summary>Remote address of the client, or "system" for the appliance's own actions.</summary>
    public string Source { get; set; } = "";
    public string Action { get; set; } = "";
    public string Target { get; set; } = "";
    public string Details { get; set; } = "";
}
