using System.Security.Claims;
using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Engine.Configuration.Validation;
using Appliance.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Appliance.Web.Components;

/// <summary>
/// Base of the UI's pages: who is signed in, the check that they still may act before each change (for the audit
/// trail too), and the store's errors as field messages.
/// </summary>
public abstract class AppPage : ComponentBase
{
    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    [Inject]
    private CurrentUserGuard Guard { get; set; } = null!;

    /// <summary>Per field, what the store refused; shown next to the field.</summary>
    protected Dictionary<string, string> FieldErrors { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A refusal that belongs to no field (a conflict, a missing item).</summary>
    protected string? Error { get; set; }

    /// <summary>Who the circuit was signed in as: what to show, never what decides a change (see <see cref="ActAsAsync"/>).</summary>
    protected async Task<ClaimsPrincipal> UserAsync() =>
        AuthenticationState is null ? new ClaimsPrincipal() : (await AuthenticationState).User;

    /// <summary>
    /// Every handler that changes something starts here: the user's session and role are read again from the store,
    /// not taken from the claims the circuit started with. Null when refused, with <see cref="Error"/> saying why.
    /// </summary>
    protected async Task<CurrentCaller?> ActAsAsync(UserRole required)
    {
        try
        {
            return await Guard.RequireAsync(required);
        }
        catch (CallerRefusedException ex)
        {
            FieldErrors.Clear();
            Error = ex.Message;
            return null;
        }
    }

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
