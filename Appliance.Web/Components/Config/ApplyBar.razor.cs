using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Web.Live;
using Appliance.Web.Security;
using Microsoft.AspNetCore.Components;

namespace Appliance.Web.Components.Config;

/// <summary>
/// The layout's apply bar. It learns of changes from <see cref="LiveStatusFeed"/>: <see cref="ConfigEditedUpdate"/> after
/// any committed edit or confirm (from any browser, the API or an import), <see cref="ConfigAppliedUpdate"/> when a revision starts running (an apply, a
/// rollback, or the store's revert of an unconfirmed revision). The one-second timer only redraws the countdown.
/// </summary>
public sealed partial class ApplyBar
{
    private bool _canApply;
    private PendingStatus? _status;
    private IReadOnlyList<ItemChange> _changes = [];
    private RevisionInfo? _awaiting;
    private RevisionInfo? _reverted;
    // The trial revision this bar saw; when it stops waiting, the bar looks up how it ended.
    private long? _watching;
    private bool _rechecked;
    private string? _comment;
    private int _confirmSeconds;
    // The user chose the confirm time: the bar stops suggesting one.
    private bool _confirmChosen;
    private string? _risk;
    private bool _busy;
    private bool _showDiff = true;
    private IDisposable? _subscription;
    private ITimer? _tick;

    [Inject]
    private IConfigStore Store { get; set; } = null!;

    [Inject]
    private IRevisionLog Revisions { get; set; } = null!;

    [Inject]
    private IRunningConfigSource Running { get; set; } = null!;

    [Inject]
    private LiveStatusFeed Feed { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    private int SecondsLeft => _awaiting?.ConfirmDeadline is { } deadline
        ? (int)Math.Max(0, Math.Ceiling((deadline - Time.GetUtcNow()).TotalSeconds))
        : 0;

    private int OverdueSeconds => _awaiting?.ConfirmDeadline is { } deadline
        ? (int)Math.Max(0, Math.Floor((Time.GetUtcNow() - deadline).TotalSeconds))
        : 0;

    protected override async Task OnInitializedAsync()
    {
        _canApply = AppPolicies.RoleOf(await UserAsync()) >= UserRole.Operator;
        if (!_canApply)
        {
            return;
        }
        await RefreshAsync();
        // Opened after a revert (a reload, another browser): the newest revision says what happened to the last try.
        if (_awaiting is null && await Revisions.ListAsync() is [{ Status: RevisionStatus.Reverted } newest, ..])
        {
            _reverted = newest;
        }
        _subscription = Feed.Subscribe(update =>
        {
            if (update is ConfigEditedUpdate or ConfigAppliedUpdate)
            {
                _ = InvokeAsync(async () =>
                {
                    try
                    {
                        await RefreshAsync();
                    }
                    catch (Exception ex) when (ex is ConfigNotFoundException or InvalidOperationException)
                    {
                        // Nothing awaits this callback: show the failure instead of losing it.
                        Error = $"Could not read the configuration state: {ex.Message}";
                    }
                    StateHasChanged();
                });
            }
        });
    }

    private async Task RefreshAsync()
    {
        _status = await Store.GetPendingStatusAsync();
        _awaiting = _status.AwaitingConfirmation;
        if (_awaiting is not null)
        {
            _watching = _awaiting.Id;
            _reverted = null;
            _rechecked = false;
            StartTicking();
        }
        else
        {
            StopTicking();
            if (_watching is { } id)
            {
                _watching = null;
                var ended = (await Revisions.GetAsync(id)).Revision;
                _reverted = ended.Status == RevisionStatus.Reverted ? ended : null;
            }
        }
        var pending = _status.HasChanges ? await Store.GetPendingAsync() : null;
        _changes = pending is null ? [] : ConfigDiff.Between(Running.Current.Config, pending);
        _risk = pending is null ? null : Words(LockoutRisk.Of(Running.Current.Config, pending));
        if (!_confirmChosen)
        {
            _confirmSeconds = _risk is null ? 0 : LockoutRisk.SuggestedConfirmSeconds;
        }
    }

    private static string? Words(LockoutRisk? risk) => risk switch
    {
        { Ports: true, Lan: true } => "These changes touch the ports' roles and the LAN",
        { Ports: true } => "These changes touch the ports' roles",
        { Lan: true } => "These changes touch the LAN",
        _ => null,
    };

    private void ChooseConfirmSeconds(int seconds)
    {
        _confirmSeconds = seconds;
        _confirmChosen = true;
    }

    private async Task ApplyAsync()
    {
        if (await ActAsAsync(UserRole.Operator) is not { } caller)
        {
            return;
        }
        var who = caller.Who;
        await RunAsync(async () =>
        {
            if (await TryAsync(() => Revisions.ApplyAsync(_comment, _confirmSeconds, who)))
            {
                (_comment, _confirmSeconds, _confirmChosen, _reverted) = (null, 0, false, null);
            }
        });
    }

    private async Task ConfirmAsync()
    {
        if (await ActAsAsync(UserRole.Operator) is not { } caller)
        {
            return;
        }
        var who = caller.Who;
        await RunAsync(async () =>
        {
            if (await TryAsync(() => Revisions.ConfirmAsync(who)))
            {
                _watching = null;
            }
        });
    }

    private async Task RunAsync(Func<Task> action)
    {
        _busy = true;
        try
        {
            await action();
            await RefreshAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private void StartTicking() =>
        _tick ??= Time.CreateTimer(_ => _ = InvokeAsync(OnTickAsync), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    private void StopTicking()
    {
        _tick?.Dispose();
        _tick = null;
    }

    private async Task OnTickAsync()
    {
        // The revert is announced on the feed; should that message be missed, read the store once, shortly after the deadline.
        if (_awaiting?.ConfirmDeadline is { } deadline && Time.GetUtcNow() > deadline.AddSeconds(2) && !_rechecked)
        {
            _rechecked = true;
            await RefreshAsync();
        }
        StateHasChanged();
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        StopTicking();
    }
}
