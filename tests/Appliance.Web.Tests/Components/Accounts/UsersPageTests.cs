using System.Security.Claims;
using Appliance.Data.Entities;
using Appliance.Data.Store.Security;
using Appliance.Web.Components.Pages;
using Appliance.Web.Security;
using Appliance.Web.Tests.Components.Config;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Web.Tests.Components.Accounts;

/// <summary>
/// An open Users page keeps the admin it was opened by; every change it makes asks the store again first, so a
/// password change, a demotion or a deletion stops it at once, not only on the next page load.
/// </summary>
public sealed class UsersPageTests : ConfigComponentTest
{
    private static void FillNewUser(IRenderedComponent<Users> cut, string name)
    {
        cut.Find("input[data-testid='user-name']").Change(name);
        cut.Find("input[data-testid='user-password']").Change("a-new-users-password");
    }

    [Fact]
    public async Task An_admin_with_a_current_session_adds_a_user()
    {
        var cut = Render<Users>();
        FillNewUser(cut, "bob");

        cut.Find("[data-testid='user-add']").Click();

        cut.WaitForAssertion(() => Assert.Contains(">bob</td>", cut.Markup, StringComparison.Ordinal));
        Assert.Equal(UserRole.Viewer, (await Accounts.GetAsync("bob", Ct)).Role);
    }

    [Fact]
    public async Task After_the_security_stamp_changes_the_create_handler_is_refused_and_creates_nothing()
    {
        var cut = Render<Users>();
        FillNewUser(cut, "bob");

        // Elsewhere (another browser, the API, the console): the admin's password is reset, which changes the stamp.
        await Accounts.UpdateAsync(AdminName, new UserUpdate(Password: "a-password-set-elsewhere"), Tester, Ct);
        cut.Find("[data-testid='user-add']").Click();

        cut.WaitForAssertion(() => Assert.Contains("Your session has ended", cut.Find("[data-testid='error']").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(await Accounts.ListAsync(Ct), u => u.UserName == "bob");
    }

    [Fact]
    public async Task A_demoted_admins_open_page_can_neither_create_users_nor_promote_itself()
    {
        await Accounts.CreateAsync(new NewUser("root", "roots-long-password", UserRole.Admin), Tester, Ct);
        var cut = Render<Users>();
        FillNewUser(cut, "mallory");

        await Accounts.UpdateAsync(AdminName, new UserUpdate(Role: UserRole.Viewer), Tester, Ct);
        cut.Find("[data-testid='user-add']").Click();

        cut.WaitForAssertion(() => Assert.Contains("Nothing was changed", cut.Find("[data-testid='error']").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(await Accounts.ListAsync(Ct), u => u.UserName == "mallory");
        Assert.Equal(UserRole.Viewer, (await Accounts.GetAsync(AdminName, Ct)).Role);
    }

    [Fact]
    public async Task A_deleted_admins_open_page_cannot_delete_another_user()
    {
        await Accounts.CreateAsync(new NewUser("root", "roots-long-password", UserRole.Admin), Tester, Ct);
        await Accounts.CreateAsync(new NewUser("vera", "veras-long-password", UserRole.Viewer), Tester, Ct);
        var cut = Render<Users>();

        await Accounts.DeleteAsync(AdminName, Tester, Ct);
        var veraRow = cut.FindAll("tbody tr").Single(r => r.TextContent.Contains("vera", StringComparison.Ordinal));
        veraRow.QuerySelectorAll("button").Single(b => b.TextContent.Contains("Delete", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.Contains("Your session has ended", cut.Find("[data-testid='error']").TextContent, StringComparison.Ordinal));
        Assert.Contains(await Accounts.ListAsync(Ct), u => u.UserName == "vera");
    }

    [Fact]
    public async Task The_circuits_periodic_check_ends_a_session_whose_stamp_or_role_changed()
    {
        var provider = new CircuitAuthenticationStateProvider(NullLoggerFactory.Instance, Services.GetRequiredService<ICallerRoles>());
        var session = await Accounts.SignInAsync(AdminName, AdminPassword, "tests", Ct);
        ClaimsPrincipal Principal(string role, string stamp) => new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, AdminName), new Claim(ClaimTypes.Role, role), new Claim(AppPolicies.KindClaim, AppPolicies.UserKind), new Claim(AppPolicies.StampClaim, stamp)],
            "tests"));

        Assert.True(await provider.IsStillValidAsync(Principal("admin", session.SecurityStamp!), Ct));
        Assert.False(await provider.IsStillValidAsync(Principal("viewer", session.SecurityStamp!), Ct));
        Assert.True(await provider.IsStillValidAsync(new ClaimsPrincipal(new ClaimsIdentity()), Ct));
        Assert.True(CircuitAuthenticationStateProvider.Interval <= TimeSpan.FromSeconds(30));

        await Accounts.UpdateAsync(AdminName, new UserUpdate(Password: "a-password-set-elsewhere"), Tester, Ct);

        Assert.False(await provider.IsStillValidAsync(Principal("admin", session.SecurityStamp!), Ct));
    }
}
