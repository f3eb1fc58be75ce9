using System.Security.Claims;
using Appliance.Data.Entities;
using Microsoft.AspNetCore.Authorization;

namespace Appliance.Web.Security;

/// <summary>The authorization policies and the claims they read.</summary>
public static class AppPolicies
{
    /// <summary>Any signed-in user or valid token (every role can read).</summary>
    public const string Viewer = "viewer";

    /// <summary>Operators and admins: configuration changes.</summary>
    public const string Operator = "operator";

    /// <summary>Admins only: users, others' tokens, the hub's edges, certificates, secrets in exports.</summary>
    public const string Admin = "admin";

    /// <summary>Reading (GET, HEAD) takes a viewer, anything else an operator: the default of the configuration API.</summary>
    public const string ReadOrOperate = "read-or-operate";

    /// <summary>Claim that says how the caller signed in: <see cref="UserKind"/> or <see cref="TokenKind"/>.</summary>
    public const string KindClaim = "appliance:kind";
    public const string StampClaim = "appliance:stamp";
    public const string UserKind = "user";
    public const string TokenKind = "token";

    public static string RoleName(UserRole role) => role.ToString().ToLowerInvariant();

    /// <summary>The caller's role; viewer when it has none (it cannot pass any policy above viewer then).</summary>
    public static UserRole RoleOf(ClaimsPrincipal user) =>
        Enum.TryParse<UserRole>(user.FindFirstValue(ClaimTypes.Role), ignoreCase: true, out var role) ? role : UserRole.Viewer;

    public static bool IsToken(ClaimsPrincipal user) => user.FindFirstValue(KindClaim) == TokenKind;

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Viewer, p => p.RequireAuthenticatedUser().RequireRole(RoleName(UserRole.Viewer), RoleName(UserRole.Operator), RoleName(UserRole.Admin)));
        options.AddPolicy(Operator, p => p.RequireAuthenticatedUser().RequireRole(RoleName(UserRole.Operator), RoleName(UserRole.Admin)));
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(RoleName(UserRole.Admin)));
        options.AddPolicy(ReadOrOperate, p => p.RequireAuthenticatedUser().AddRequirements(new ReadOrOperateRequirement()));
        // Every endpoint that says nothing about authorization still needs a signed-in caller: a new endpoint
        // cannot be left open by forgetting it.
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }
}

/// <summary>GET and HEAD need any role; other methods operator or admin.</summary>
public sealed class ReadOrOperateRequirement : IAuthorizationRequirement;

internal sealed class ReadOrOperateHandler : AuthorizationHandler<ReadOrOperateRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ReadOrOperateRequirement requirement)
    {
        var method = context.Resource is HttpContext http ? http.Request.Method : null;
        var reading = method is not null && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method));
        var role = AppPolicies.RoleOf(context.User);
        if (context.User.Identity?.IsAuthenticated == true && (reading || role >= UserRole.Operator))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
