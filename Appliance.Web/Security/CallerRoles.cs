using System.Globalization;
using System.Security.Claims;
using Appliance.Data.Entities;
using Appliance.Data.Store.Security;

namespace Appliance.Web.Security;

/// <summary>What a signed-in caller may do now, by the store rather than by the claims they signed in with.</summary>
public interface ICallerRoles
{
    /// <summary>
    /// The caller's current role: a user's while the session's stamp is current (a password or role change, or deleting
    /// the user, ends it), a token's as authentication would compute it now. Null when neither holds any longer.
    /// </summary>
    Task<UserRole?> CurrentRoleAsync(ClaimsPrincipal caller, CancellationToken ct = default);
}

/// <summary>Answers from the account and token stores.</summary>
internal sealed class StoredCallerRoles(AccountStore accounts, ApiTokenStore tokens) : ICallerRoles
{
    public async Task<UserRole?> CurrentRoleAsync(ClaimsPrincipal caller, CancellationToken ct = default)
    {
        if (caller.Identity?.IsAuthenticated != true)
        {
            return null;
        }
        if (AppPolicies.IsToken(caller))
        {
            return int.TryParse(caller.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? await tokens.CurrentRoleAsync(id, ct)
                : null;
        }
        return caller.Identity.Name is { } name && caller.FindFirstValue(AppPolicies.StampClaim) is { } stamp
            ? await accounts.ValidateSessionAsync(name, stamp, ct)
            : null;
    }
}
