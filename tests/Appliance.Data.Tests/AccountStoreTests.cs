using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Data.Store.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Data.Tests;

/// <summary>Lockout and token expiry on the virtual clock, over the real SQLite file.</summary>
public sealed class AccountStoreTests : IAsyncLifetime
{
    private static readonly ChangeContext Admin = new("admin", "192.0.2.10");
    private StoreFixture _fixture = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AccountStore Accounts => new(
        _fixture.Services.GetRequiredService<IDbContextFactory<ApplianceDbContext>>(), new PlainHashing(), _fixture.Time, new LockoutPolicy(3, TimeSpan.FromMinutes(5)));

    private ApiTokenStore Tokens => _fixture.Services.GetRequiredService<ApiTokenStore>();

    public async ValueTask InitializeAsync() => _fixture = await StoreFixture.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task A_lockout_lasts_its_duration_on_the_clock_and_a_success_resets_the_count()
    {
        using var accounts = Accounts;
        await accounts.CreateAsync(new NewUser("Carol", "correct-password", UserRole.Operator), Admin, Ct);
        Assert.Equal(LoginOutcome.Failed, (await accounts.SignInAsync("carol", "wrong-1", "192.0.2.5", Ct)).Outcome);
        Assert.Equal(LoginOutcome.Succeeded, (await accounts.SignInAsync("CAROL", "correct-password", "192.0.2.5", Ct)).Outcome);
        Assert.Equal(LoginOutcome.Failed, (await accounts.SignInAsync("carol", "wrong-2", "192.0.2.5", Ct)).Outcome);
        Assert.Equal(LoginOutcome.Failed, (await accounts.SignInAsync("carol", "wrong-3", "192.0.2.5", Ct)).Outcome);

        var locked = await accounts.SignInAsync("carol", "wrong-4", "192.0.2.5", Ct);
        Assert.Equal(LoginOutcome.LockedOut, locked.Outcome);
        Assert.Equal(_fixture.Time.GetUtcNow().AddMinutes(5), locked.LockedUntil!.Value, TimeSpan.FromSeconds(1));

        _fixture.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(LoginOutcome.LockedOut, (await accounts.SignInAsync("carol", "correct-password", "192.0.2.5", Ct)).Outcome);
        _fixture.Time.Advance(TimeSpan.FromMinutes(1.1));
        var success = await accounts.SignInAsync("carol", "correct-password", "192.0.2.5", Ct);
        Assert.Equal(LoginOutcome.Succeeded, success.Outcome);
        Assert.Equal(UserRole.Operator, await accounts.ValidateSessionAsync("carol", success.SecurityStamp!, Ct));
    }

    [Fact]
    public async Task A_token_expires_on_the_clock_and_a_revoked_one_stays_refused()
    {
        using var accounts = Accounts;
        await accounts.CreateAsync(new NewUser(Admin.Actor, "admin-password", UserRole.Admin), Admin, Ct);
        var created = await Tokens.CreateAsync(new NewApiToken("ci", UserRole.Viewer, _fixture.Time.GetUtcNow().AddHours(1)), Admin, Ct);
        Assert.NotNull((await Tokens.AuthenticateAsync(created.Token, "192.0.2.5", Ct)).Identity);

        _fixture.Time.Advance(TimeSpan.FromHours(1));

        var (identity, refusal) = await Tokens.AuthenticateAsync(created.Token, "192.0.2.5", Ct);
        Assert.Null(identity);
        Assert.Contains("expired", refusal, StringComparison.Ordinal);

        var other = await Tokens.CreateAsync(new NewApiToken("ops", UserRole.Operator), Admin, Ct);
        await Tokens.RevokeAsync(other.Info.Id, Admin, Ct);
        Assert.Contains("revoked", (await Tokens.AuthenticateAsync(other.Token, "192.0.2.5", Ct)).Refusal, StringComparison.Ordinal);
        var listed = await Tokens.ListAsync(ct: Ct);
        Assert.All(listed, t => Assert.DoesNotContain(t.Prefix, new[] { created.Token, other.Token }));
    }
}
