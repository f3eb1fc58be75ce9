using System.Security.Claims;
using Appliance.Data.Store;
using Appliance.Engine.Configuration.Validation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Appliance.Web.Components;

/// <summary>Base of the UI's pages: who is signed in, for the audit trail, and the store's errors as field messages.</summary>
public abstract class AppPage : ComponentBase
{
    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>Per field, what the store refused; shown next to the field.</summary>
    protected Dictionary<string, string> FieldErrors { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A refusal that belongs to no field (a conflict, a missing item).</summary>
    protected string? Error { get; set; }

    protected async Task<ClaimsPrincipal> UserAsync() =>
        AuthenticationState is null ? new ClaimsPrincipal() : (await AuthenticationState).User;

    /// <summary>Changes from the UI are audited under the signed-in user, from the web UI.</summary>
    protected async Task<ChangeContext> WhoAsync() => new((await UserAsync()).Identity?.Name ?? "unknown", "web UI");

    protected string? ErrorFor(string field) => FieldErrors.GetValueOrDefault(field);

    /// <summary>Runs a store call; validation, conflict and not-found answers become messages instead of exceptions.</summary>
    protected async Task<bool> TryAsync(Func<Task> action)
    {
        FieldErrors.Clear();
        Error = null;
        try
        {
            await action();
            return true;
        }
        catch (ConfigValidationException ex)
        {
            foreach (var (field, messages) in ex.Errors.ToDictionary())
            {
                FieldErrors[field] = string.Join("; ", messages);
            }
            Error = ex.Title;
        }
        catch (Exception ex) when (ex is ConfigConflictException or ConfigNotFoundException)
        {
            Error = ex.Message;
        }
        return false;
    }
}
