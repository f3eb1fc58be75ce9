using Appliance.Data.Entities;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using Microsoft.EntityFrameworkCore;

namespace Appliance.Data.Store;

// The factory configuration as a revision: on a database that never had one (first boot), and on a factory reset.
public sealed partial class RevisionLog
{
    /// <summary>Comment of the revision a fresh box starts with.</summary>
    public const string FirstBootComment = "factory defaults (first boot)";

    /// <summary>Comment of the revision a factory reset makes.</summary>
    public const string FactoryResetComment = "factory reset";

    /// <summary>
    /// Applies <paramref name="config"/> as revision 1, only when no revision was ever made and nothing is pending;
    /// returns null (and changes nothing) otherwise. Decided inside the write, so an edit that lands first wins.
    /// </summary>
    internal Task<RevisionInfo?> ApplyFirstBootAsync(ApplianceConfig config, CancellationToken ct) =>
        WriteAsync(async db =>
        {
            if (await db.Revisions.AnyAsync(ct) || !PendingCopy.IsEmpty(await PendingCopy.LoadAsync(db, ct)))
            {
                return new RevisionChange<RevisionInfo?>(null);
            }
            ValidateFactory(config);
            await PendingCopy.ReplaceAsync(db, config, ct);
            var revision = await AddRevisionAsync(db, config, FirstBootComment, 0, rollbackOf: null, ChangeContext.System, ct);
            Audit(db, ChangeContext.System, "config.factory-defaults", $"revision {revision.Id}", Describe(config));
            await db.SaveChangesAsync(ct);
            return new RevisionChange<RevisionInfo?>(RevisionInfo.From(revision)) { Running = await LoadRunningAsync(db, ct) };
        }, ct);

    /// <summary>
    /// Replaces the pending configuration (WANs, rules, settings, ports) with <paramref name="config"/> and applies it
    /// at once as a new revision, without commit-confirm: a reset is meant to cut off whatever the old configuration
    /// allowed. A revision waiting for confirmation is abandoned. Users and API tokens are not configuration and stay.
    /// </summary>
    internal Task<RevisionInfo> ResetToFactoryAsync(ApplianceConfig config, ChangeContext who, CancellationToken ct) =>
        WriteAsync(async db =>
        {
            ValidateFactory(config);
            var awaiting = await db.Revisions.FirstOrDefaultAsync(r => r.Status == RevisionStatus.Pending, ct);
            if (awaiting is not null)
            {
                awaiting.Status = RevisionStatus.Reverted;
                awaiting.Error = "superseded by a factory reset";
                awaiting.ConfirmDeadline = null;
                await db.SaveChangesAsync(ct);
            }
            await PendingCopy.ReplaceAsync(db, config, ct);
            var revision = await AddRevisionAsync(db, config, FactoryResetComment, 0, rollbackOf: null, who, ct);
            Audit(db, who, "system.factory-reset", $"revision {revision.Id}", Describe(config));
            await db.SaveChangesAsync(ct);
            return new RevisionChange<RevisionInfo>(RevisionInfo.From(revision))
            {
                EndsCountdown = awaiting is not null,
                Running = await LoadRunningAsync(db, ct),
            };
        }, ct);

    /// <summary>
    /// Checked as an edit is, not as an apply: a box with a single port gets a LAN and no WAN, which an admin could not
    /// apply (an edge needs a WAN) but which the box must still run, to be reachable on its LAN.
    /// </summary>
    private void ValidateFactory(ApplianceConfig config)
    {
        var errors = _validator.Validate(config, ValidationPurpose.Edit);
        if (!errors.IsEmpty)
        {
            throw new ConfigValidationException(errors, "The factory configuration cannot be applied.");
        }
    }

    private static string Describe(ApplianceConfig config) =>
        $"LAN {string.Join(", ", config.Settings.Lan.Addresses)} on {string.Join(", ", config.Ports.Where(p => p.Role == PortRole.Lan).Select(p => p.Name))}; " +
        $"{config.Wans.Count} WANs ({string.Join(", ", config.Wans.Select(w => $"{w.Name} on {w.Interface}"))})";
}
