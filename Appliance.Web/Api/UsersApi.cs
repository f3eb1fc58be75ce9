using Appliance.Data.Entities;
using Appliance.Data.Store.Security;
using Appliance.Web.Api.OpenApi;
using Appliance.Web.Security;

namespace Appliance.Web.Api;

/// <summary>/api/v1/users: admins manage who may sign in. Answers never carry a password or its hash.</summary>
internal static class UsersApi
{
    public sealed record UserCreate(string? UserName, string? Password, UserRole Role = UserRole.Viewer);

    public static void MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags(ApiTags.Users).RequireAuthorization(AppPolicies.Admin);

        users.MapGet("/", async (AccountStore accounts, CancellationToken ct) => TypedResults.Ok(await accounts.ListAsync(ct)))
            .WithName("ListUsers").WithSummary("List the users")
            .WithDescription("Every user with role, last sign-in and lockout.");

        users.MapGet("/{name}", async (string name, AccountStore accounts, CancellationToken ct) => TypedResults.Ok(await accounts.GetAsync(name, ct)))
            .WithName("GetUser").WithSummary("Get one user")
            .WithDescription("One user with role, last sign-in and lockout.")
            .NoSuchUser();

        users.MapPost("/", async (UserCreate body, HttpContext http, AccountStore accounts, CancellationToken ct) =>
            {
                var user = await accounts.CreateAsync(new NewUser(body.UserName ?? "", body.Password ?? "", body.Role), http.ChangeContext(), ct);
                return TypedResults.Created($"/api/v1/users/{user.UserName}", user);
            })
            .WithName("CreateUser").WithSummary("Add a user")
            .WithDescription("Adds a user with a role (viewer by default) and a password.")
            .InvalidUser().Refused(StatusCodes.Status409Conflict, "A user of that name exists already.");

        users.MapPut("/{name}", async (string name, UserUpdate body, HttpContext http, AccountStore accounts, CancellationToken ct) =>
                TypedResults.Ok(await accounts.UpdateAsync(name, body, http.ChangeContext(), ct)))
            .WithName("UpdateUser").WithSummary("Change a user")
            .WithDescription("Changes the user's role and/or sets a new password (fields left out stay as they are); a new password also unlocks the account. " +
                "The user's sessions end.")
            .InvalidUser().NoSuchUser().Refused(StatusCodes.Status409Conflict, "The change would leave no admin.");

        users.MapDelete("/{name}", async (string name, HttpContext http, AccountStore accounts, CancellationToken ct) =>
            {
                await accounts.DeleteAsync(name, http.ChangeContext(), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteUser").WithSummary("Remove a user")
            .WithDescription("Removes the user: their sessions end and the tokens they created stop working.")
            .NoSuchUser().Refused(StatusCodes.Status409Conflict, "The user is the last admin.");
    }

    private static RouteHandlerBuilder NoSuchUser(this RouteHandlerBuilder builder) =>
        builder.Refused(StatusCodes.Status404NotFound, "No user has this name.");

    private static RouteHandlerBuilder InvalidUser(this RouteHandlerBuilder builder) =>
        builder.RefusedInvalid("The user name, role or password is not acceptable: `errors` says why.");
}
