namespace Appliance.Engine.Supervision;

/// <summary>Pauses between retries that double after each failure in a row, from <see cref="Initial"/> up to <see cref="Cap"/>.</summary>
public sealed record Backoff(TimeSpan Initial, TimeSpan Cap)
{
    /// <summary>1 s, 2 s, 4 s … 1 min: quick after a one-off fault, quiet while a lasting one (a full disk) goes on.</summary>
    public static readonly Backoff Default = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

    /// <summary>The pause after the <paramref name="failures"/>-th failure in a row (1 for the first).</summary>
    public TimeSpan After(int failures)
    {
        var doublings = Math.Clamp(failures - 1, 0, 40);
        var ticks = Initial.Ticks * Math.Pow(2, doublings);
        return ticks >= Cap.Ticks ? Cap : TimeSpan.FromTicks((long)ticks);
    }
}
