using Appliance.Data.Entities;

namespace Appliance.Data.Store;

/// <summary>Adds an audit entry to a unit of work, so it commits (or not) with the change it records.</summary>
internal static class AuditLog
{
    public static AuditEntryEntity Add(ApplianceDbContext db, DateTimeOffset at, ChangeContext who, string action, string target, string details)
    {
        var entry = new AuditEntryEntity
        {
            Time = at, Actor = who.Actor, Source = who.Source, Action = action, Target = target, Details = details,
        };
        db.AuditEntries.Add(entry);
        return entry;
    }
}
