using System.Security.Claims;
using Appliance.Data.Entities;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Appliance.Web.Security;

/// <summary>
/// The UI circuit's user, checked against the store every <see cref="Interval"/>: a circuit otherwise keeps the
/// principal it started with for as long as the tab stays open. When the session has ended (password or role
/// changed, user deleted) or the role no longer matches, the circuit is signed out and its pages say so.
/// </summary>
internal sealed class CircuitAuthenticationStateProvider(ILoggerFactory loggerFactory, ICallerRoles roles)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override TimeSpan RevalidationInterval => Interval;

    /// <summary>Signs the circuit out now, e.g. when a handler found the session ended before the next check.</summary>
    public void EndSession() =>
        SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));

    /// <summary>Whether the circuit's user may stay signed in as they are.</summary>
    internal async Task<bool> IsStillValidAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return true;
        }
        return await roles.CurrentRoleAsync(user, ct) is { } role && role == AppPolicies.RoleOf(user);
    }

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken ct) =>
        IsStillValidAsync(authenticationState.User, ct);
}
