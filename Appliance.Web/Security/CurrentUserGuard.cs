using Appliance.Data.Entities;
using Appliance.Data.Store;
using Microsoft.AspNetCore.Components.Authorization;

namespace Appliance.Web.Security;

/// <summary>
/// Checks, right before a UI handler changes something, that its user still exists, still holds this session and
/// still has the role: the circuit's claims were true when the page was opened, and the periodic check of
/// <see cref="CircuitAuthenticationStateProvider"/> may be up to half a minute behind.
/// </summary>
public sealed class CurrentUserGuard(AuthenticationStateProvider authentication, ICallerRoles roles)
{
    /// <summary>The user, who has <paramref name="required"/> or more now.</summary>
    /// <exception cref="CallerRefusedException">The session has ended or the role is too low; nothing may be changed.</exception>
    public async Task<CurrentCaller> RequireAsync(UserRole required, CancellationToken ct = default)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (await roles.CurrentRoleAsync(user, ct) is not { } role)
        {
            if (authentication is CircuitAuthenticationStateProvider circuit)
            {
                circuit.EndSession();
            }
            throw new CallerRefusedException("Your session has ended (your password or role was changed, or your account removed): sign in again. Nothing was changed.");
        }
        if (role < required)
        {
            throw new CallerRefusedException($"This needs the {AppPolicies.RoleName(required)} role, and yours is now {AppPolicies.RoleName(role)}. Nothing was changed.");
        }
        return new CurrentCaller(user.Identity?.Name ?? "unknown", role, AppPolicies.IsToken(user));
    }
}

/// <summary>Who acts in the UI, with the role the store gives them now.</summary>
public sealed record CurrentCaller(string Name, UserRole Role, bool IsToken)
{
    /// <summary>Changes from the UI are audited under the signed-in user, from the web UI.</summary>
    public ChangeContext Who => new(Name, "web UI");
}

/// <summary>The caller may not do this (any more); the message says why, for the page to show.</summary>
public sealed class CallerRefusedException(string message) : Exception(message);
