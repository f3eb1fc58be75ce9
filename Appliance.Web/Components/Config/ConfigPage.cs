using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Web.Live;
using Appliance.Web.Security;
using Microsoft.AspNetCore.Components;

namespace Appliance.Web.Components.Config;

/// <summary>
/// Base of the configuration pages: edits go through <see cref="TryEditAsync"/>, which also reports a stale
/// version as a conflict and tells the other open pages and apply bars that the pending copy changed.
/// </summary>
public abstract class ConfigPage : AppPage, IDisposable
{
    private IDisposable? _subscription;

    [Inject]
    protected LiveStatusFeed Feed { get; set; } = null!;

    /// <summary>Operators and admins edit; viewers only read, so edit controls are not rendered for them.</summary>
    protected bool CanEdit { get; private set; }

    /// <summary>The item was changed by someone else since it was loaded (optimistic concurrency).</summary>
    protected string? Conflict { get; set; }

    /// <summary>A store call is running; buttons are disabled and a progress bar shows.</summary>
    protected bool Busy { get; private set; }

    protected override async Task OnInitializedAsync()
    {
        CanEdit = AppPolicies.RoleOf(await UserAsync()) >= UserRole.Operator;
        await LoadAsync();
        // Reload when the pending copy or the running revision changes elsewhere (another tab, a rollback, a revert).
        _subscription = Feed.Subscribe(update =>
        {
            if (update is ConfigEditedUpdate or ConfigAppliedUpdate)
            {
                _ = InvokeAsync(async () =>
                {
                    await LoadAsync();
                    StateHasChanged();
                });
            }
        });
    }

    /// <summary>
    /// Refusals that belong to no field of the edited item (e.g. a rule elsewhere that names this WAN): their paths
    /// still start at the document (<c>rules[2].wan</c>), while the item's own fields come without a prefix.
    /// </summary>
    protected IReadOnlyList<string> OtherErrors => FieldErrors
        .Where(e => e.Key.Length == 0 || e.Key.Split('.')[0].Contains('[', StringComparison.Ordinal))
        .Select(e => e.Key.Length == 0 ? e.Value : $"{e.Key}: {e.Value}")
        .ToList();

    /// <summary>Reads what the page shows from the store.</summary>
    protected abstract Task LoadAsync();

    /// <summary>Runs an edit of the pending configuration; refusals become messages, success is announced and the page reloads.</summary>
    protected async Task<bool> TryEditAsync(Func<Task> edit)
    {
        Conflict = null;
        var stale = false;
        Busy = true;
        try
        {
            var done = await TryAsync(async () =>
            {
                try
                {
                    await edit();
                }
                catch (ConfigVersionMismatchException ex)
                {
                    stale = true;
                    Conflict = ex.Message;
                }
            });
            if (stale)
            {
                // Show what is stored now, so the user sees the other change before trying again.
                await LoadAsync();
            }
            if (!done || stale)
            {
                return false;
            }
            await LoadAsync();
            return true;
        }
        finally
        {
            Busy = false;
        }
    }

    /// <summary>Stops what a page started besides the feed subscription (a timer reading live state).</summary>
    protected virtual void OnDisposing()
    {
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        OnDisposing();
        GC.SuppressFinalize(this);
    }
}
