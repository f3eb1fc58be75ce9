using Appliance.Data.Entities;
using Appliance.Data.Store.Security;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/users: admins manage who may sign in. Answers never carry a password or its hash.</summary>
internal static class UsersApi
{
    public sealed record UserCreate(string? UserName, string? Password, UserRole Role = UserRole.Viewer);

    public static void MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(AppPolicies.Admin);

        users.MapGet("/", async (AccountStore accounts, CancellationToken ct) => TypedResults.Ok(await accounts.ListAsync(ct)))
            .WithName("ListUsers").WithSummary("Every user with role, last sign-in and lockout");

        users.MapGet("/{name}", async (string name, AccountStore accounts, CancellationToken ct) => TypedResults.Ok(await accounts.GetAsync(name, ct)))
            .WithName("GetUser").WithSummary("One user").ProducesProblem(StatusCodes.Status404NotFound);

        users.MapPost("/", async (UserCreate body, HttpContext http, AccountStore accounts, CancellationToken ct) =>
            {
                var user = await accounts.CreateAsync(new NewUser(body.UserName ?? "", body.Password ?? "", body.Role), http.ChangeContext(), ct);
                return TypedResults.Created($"/api/v1/users/{user.UserName}", user);
            })
            .WithName("CreateUser").WithSummary("Add a user with a role and a password")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

        users.MapPut("/{name}", async (string name, UserUpdate body, HttpContext http, AccountStore accounts, CancellationToken ct) =>
                TypedResults.Ok(await accounts.UpdateAsync(name, body, http.ChangeContext(), ct)))
            .WithName("UpdateUser").WithSummary("Change a user's role and/or set a new password (the user's sessions end)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        users.MapDelete("/{name}", async (string name, HttpContext http, AccountStore accounts, CancellationToken ct) =>
            {
                await accounts.DeleteAsync(name, http.ChangeContext(), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteUser").WithSummary("Remove a user (not the last admin)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
