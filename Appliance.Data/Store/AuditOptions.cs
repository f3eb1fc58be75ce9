namespace Appliance.Data.Store;

/// <summary>How much of the audit trail is kept, and how failed sign-ins are grouped (section <c>Appliance:Audit</c>).</summary>
public sealed class AuditOptions
{
    public const string Section = "Appliance:Audit";

    /// <summary>Entries kept at most; the oldest go first.</summary>
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>Entries older than this many days go.</summary>
    public int MaxAgeDays { get; set; } = 365;

    /// <summary>Failed sign-ins from one source for one user name (or for unknown names) within this many minutes share one entry with a count.</summary>
    public int FailureWindowMinutes { get; set; } = 10;
}
