using System.Security.Claims;
using Appliance.Data.Entities;
using Appliance.Web.Security;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Appliance.Web.Tests.Components;

/// <summary>
/// Base of the UI's component tests: MudBlazor's services, its JavaScript answered loosely, and a signed-in admin.
/// The re-check before each change answers from the claims here (<see cref="ClaimsCallerRoles"/>); tests with a
/// database put the real store behind it.
/// </summary>
public abstract class ComponentTest : BunitContext
{
    protected ComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Authorization = AddAuthorization();
        Authorization.SetAuthorized("admin");
        Authorization.SetClaims(new Claim(ClaimTypes.Role, "admin"));
        Services.AddSingleton(CallerRoles);
        Services.AddSingleton<ICallerRoles>(CallerRoles);
        Services.AddScoped<CurrentUserGuard>();
    }

    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>What the re-check before a change hears; a test may demote or end the session here.</summary>
    internal ClaimsCallerRoles CallerRoles { get; } = new();
}

/// <summary>The role in the caller's claims, unless a test says the store now thinks otherwise.</summary>
internal sealed class ClaimsCallerRoles : ICallerRoles
{
    /// <summary>Set to answer this role (null: the session has ended) whatever the claims say.</summary>
    public (bool Set, UserRole? Role) Override { get; set; }

    public Task<UserRole?> CurrentRoleAsync(ClaimsPrincipal caller, CancellationToken ct = default) =>
        Task.FromResult(Override.Set ? Override.Role : caller.Identity?.IsAuthenticated == true ? AppPolicies.RoleOf(caller) : (UserRole?)null);
}
