using Appliance.Web.Live;

namespace Appliance.Web.Components.Config;

/// <summary>
/// Someone changed the pending configuration, or confirmed a revision, from the UI. The pending copy is one per
/// appliance, so every open apply bar and config page (in every browser) refreshes when it hears this through
/// <see cref="LiveStatusFeed"/>; a confirm changes no running revision, so no <see cref="ConfigAppliedUpdate"/> tells them.
/// </summary>
public sealed record ConfigEdited : LiveUpdate
{
    /// <summary>Tells every listener; the change is already stored, so a listener's failure must not turn it into an error.</summary>
    public static void Announce(LiveStatusFeed feed)
    {
        try
        {
            feed.Publish(new ConfigEdited());
        }
        catch (AggregateException)
        {
            // The feed has tried every listener; the failing one only misses a refresh.
        }
    }
}
