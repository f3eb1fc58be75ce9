using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Appliance.Web.Tests.Components.Config;

/// <summary>
/// The real stores, except that a save the test names is refused with the messages it gives, as the validator would
/// refuse it: the pages' placing of a message next to its field is tested without depending on which rules exist.
/// </summary>
internal sealed class Refusals
{
    private readonly List<(string Path, string Message)> _errors = [];

    public Refusals Add(string path, string message)
    {
        _errors.Add((path, message));
        return this;
    }

    public void Check()
    {
        var errors = new ValidationErrors();
        foreach (var (path, message) in _errors)
        {
            errors.Add(path, message);
        }
        if (!errors.IsEmpty)
        {
            throw new ConfigValidationException(errors);
        }
    }
}

/// <summary>Refuses every save of ports and settings with <see cref="Refusals"/>; reads go to the real store.</summary>
internal sealed class RefusingConfigStore(IConfigStore inner, Refusals refusals) : IConfigStore
{
    public Task<Versioned<ApplianceSettings>> GetSettingsAsync(CancellationToken ct = default) => inner.GetSettingsAsync(ct);

    public Task<Versioned<ApplianceSettings>> UpdateSettingsAsync(ApplianceSettings settings, long? expectedVersion, ChangeContext who, CancellationToken ct = default)
    {
        refusals.Check();
        return inner.UpdateSettingsAsync(settings, expectedVersion, who, ct);
    }

    public Task<Versioned<IReadOnlyList<PortConfig>>> GetPortsAsync(CancellationToken ct = default) => inner.GetPortsAsync(ct);

    public Task<Versioned<IReadOnlyList<PortConfig>>> UpdatePortsAsync(IReadOnlyList<PortConfig> ports, long? expectedVersion, ChangeContext who, CancellationToken ct = default)
    {
        refusals.Check();
        return inner.UpdatePortsAsync(ports, expectedVersion, who, ct);
    }

    public Task<ApplianceConfig> GetPendingAsync(CancellationToken ct = default) => inner.GetPendingAsync(ct);

    public Task<PendingStatus> GetPendingStatusAsync(CancellationToken ct = default) => inner.GetPendingStatusAsync(ct);

    public Task ImportAsync(ApplianceConfig config, ChangeContext who, CancellationToken ct = default) => inner.ImportAsync(config, who, ct);

    public IDisposable SubscribeEdits(Action onEdited) => inner.SubscribeEdits(onEdited);
}

/// <summary>Refuses every create and update of a WAN with <see cref="Refusals"/>.</summary>
internal sealed class RefusingWanStore(IWanStore inner, Refusals refusals) : IWanStore
{
    public Task<IReadOnlyList<Versioned<WanLink>>> ListAsync(CancellationToken ct = default) => inner.ListAsync(ct);

    public Task<Versioned<WanLink>> GetAsync(string name, CancellationToken ct = default) => inner.GetAsync(name, ct);

    public Task<Versioned<WanLink>> CreateAsync(WanLink wan, ChangeContext who, CancellationToken ct = default)
    {
        refusals.Check();
        return inner.CreateAsync(wan, who, ct);
    }

    public Task<Versioned<WanLink>> UpdateAsync(string name, WanLink wan, long? expectedVersion, ChangeContext who, CancellationToken ct = default)
    {
        refusals.Check();
        return inner.UpdateAsync(name, wan, expectedVersion, who, ct);
    }

    public Task DeleteAsync(string name, long? expectedVersion, ChangeContext who, CancellationToken ct = default) => inner.DeleteAsync(name, expectedVersion, who, ct);
}

/// <summary>Picks a value in a MudBlazor select as a click on its item would, found by the select's data-testid.</summary>
internal static class Selects
{
    public static void Choose<TPage, T>(IRenderedComponent<TPage> cut, string testId, T value) where TPage : class, IComponent
    {
        var select = cut.FindComponents<MudSelect<T>>()
            .Single(s => s.Instance.UserAttributes.TryGetValue("data-testid", out var id) && Equals(id, testId));
        cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(value)).GetAwaiter().GetResult();
    }
}
