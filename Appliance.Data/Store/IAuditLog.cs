namespace Appliance.Data.Store;

/// <summary>
/// The audit trail: every configuration change, sign-in, firmware step and the like, newest first. Stores that change
/// data add their entry in the same transaction (<see cref="AuditLog.Add"/>); actions that change nothing stored are
/// recorded here.
/// </summary>
public interface IAuditLog
{
    /// <summary>The newest <paramref name="limit"/> entries.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(int limit = 200, CancellationToken ct = default);

    Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken ct = default);

    /// <summary>Records an action that is not a change of stored data (an export, a firmware step, a certificate upload, …).</summary>
    Task RecordAsync(ChangeContext who, string action, string target, string details, CancellationToken ct = default);
}
