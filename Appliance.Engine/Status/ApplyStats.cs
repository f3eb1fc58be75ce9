namespace Appliance.Engine.Status;

/// <summary>How the reconciler's applies went since the process started (every pass counts: config changes and link changes).</summary>
/// <param name="LastSucceeded">When a desired state last reached the kernel.</param>
/// <param name="LastFailed">When the kernel last refused one (the last good state stayed).</param>
public sealed record ApplyStats(long Succeeded, long Failed, DateTimeOffset? LastSucceeded, DateTimeOffset? LastFailed)
{
    public static readonly ApplyStats None = new(0, 0, null, null);
}
