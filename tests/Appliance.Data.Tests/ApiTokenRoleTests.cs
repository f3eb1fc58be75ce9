using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Data.Store.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Data.Tests;

/// <summary>A token never does more than its creator may do now; names are unique per creator.</summary>
public sealed class ApiTokenRoleTests : IAsyncLifetime
{
    private static readonly ChangeContext Root = new("root", "192.0.2.10");
    private static readonly ChangeContext Olga = new("olga", "192.0.2.11");
    private StoreFixture _fixture = null!;
    private AccountStore _accounts = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ApiTokenStore Tokens => _fixture.Services.GetRequiredService<ApiTokenStore>();

    public async ValueTask InitializeAsync()
    {
        _fixture = await StoreFixture.StartAsync(Ct);
        _accounts = new AccountStore(_fixture.Services.GetRequiredService<IDbContextFactory<ApplianceDbContext>>(), new PlainHashing(), _fixture.Time);
        await _accounts.CreateAsync(new NewUser("root", "root-password", UserRole.Admin), Root, Ct);
        await _accounts.CreateAsync(new NewUser("olga", "olga-password", UserRole.Operator), Root, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _accounts.Dispose();
        await _fixture.DisposeAsync();
    }

    [Fact]
    public async Task A_tokens_role_follows_its_creator_down_and_never_above_its_own()
    {
        var token = await Tokens.CreateAsync(new NewApiToken("deploy", UserRole.Operator), Olga, Ct);
        Assert.Equal(UserRole.Operator, (await Tokens.AuthenticateAsync(token.Token, "192.0.2.5", Ct)).Identity!.Role);

        await _accounts.UpdateAsync("olga", new UserUpdate(Role: UserRole.Viewer), Root, Ct);
        Assert.Equal(UserRole.Viewer, (await Tokens.AuthenticateAsync(token.Token, "192.0.2.5", Ct)).Identity!.Role);
        Assert.Equal(UserRole.Viewer, await Tokens.CurrentRoleAsync(token.Info.Id, Ct));

        await _accounts.UpdateAsync("olga", new UserUpdate(Role: UserRole.Admin), Root, Ct);
        Assert.Equal(UserRole.Operator, (await Tokens.AuthenticateAsync(token.Token, "192.0.2.5", Ct)).Identity!.Role);
    }

    [Fact]
    public async Task Deleting_a_user_revokes_their_tokens_for_good_and_says_so_in_the_audit()
    {
        var token = await Tokens.CreateAsync(new NewApiToken("deploy", UserRole.Operator), Olga, Ct);
        var other = await Tokens.CreateAsync(new NewApiToken("deploy", UserRole.Admin), Root, Ct);

        await _accounts.DeleteAsync("olga", Root, Ct);
        // A new user of the same name does not bring the old tokens back.
        await _accounts.CreateAsync(new NewUser("olga", "new-olga-password", UserRole.Admin), Root, Ct);

        var (identity, refusal) = await Tokens.AuthenticateAsync(token.Token, "192.0.2.5", Ct);
        Assert.Null(identity);
        Assert.Contains("revoked", refusal, StringComparison.Ordinal);
        Assert.NotNull((await Tokens.GetAsync(token.Info.Id, Ct)).RevokedAt);
        Assert.NotNull((await Tokens.AuthenticateAsync(other.Token, "192.0.2.5", Ct)).Identity);
        var revoke = Assert.Single(await _fixture.Audit.ListAsync(new AuditQuery(Action: "token.revoke"), Ct));
        Assert.Equal(("root", "token deploy"), (revoke.Actor, revoke.Target));
        Assert.Contains("olga was deleted", revoke.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_whose_creator_is_no_user_is_refused_unless_the_appliance_made_it()
    {
        // What a token minting tokens used to leave behind: its creator is the token, which no user is.
        var minted = await Tokens.CreateAsync(new NewApiToken("minted", UserRole.Admin), new ChangeContext("token:deploy", "192.0.2.5"), Ct);
        var console = await Tokens.CreateAsync(new NewApiToken("ci", UserRole.Admin), new ChangeContext(TokenCreators.Console, "console"), Ct);

        var (identity, refusal) = await Tokens.AuthenticateAsync(minted.Token, "192.0.2.5", Ct);
        Assert.Null(identity);
        Assert.Contains("no longer a user", refusal, StringComparison.Ordinal);
        Assert.Null(await Tokens.CurrentRoleAsync(minted.Info.Id, Ct));
        Assert.Equal(UserRole.Admin, (await Tokens.AuthenticateAsync(console.Token, "192.0.2.5", Ct)).Identity!.Role);
    }

    [Fact]
    public async Task The_appliances_own_names_cannot_be_user_names()
    {
        foreach (var name in new[] { TokenCreators.Console, TokenCreators.System })
        {
            var refused = await Assert.ThrowsAsync<ConfigValidationException>(() => _accounts.CreateAsync(new NewUser(name, "a-long-password", UserRole.Viewer), Root, Ct));
            Assert.Contains("reserved", string.Join(" ", refused.Errors.ToDictionary()["userName"]), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Token_names_are_unique_per_creator_among_tokens_not_revoked()
    {
        var first = await Tokens.CreateAsync(new NewApiToken("ci", UserRole.Viewer), Olga, Ct);

        var taken = await Assert.ThrowsAsync<ConfigConflictException>(() => Tokens.CreateAsync(new NewApiToken(" ci ", UserRole.Viewer), Olga, Ct));
        Assert.Contains("already have a token named 'ci'", taken.Message, StringComparison.Ordinal);
        // Another creator may use the name; after a revocation the name is free again.
        await Tokens.CreateAsync(new NewApiToken("ci", UserRole.Viewer), Root, Ct);
        await Tokens.RevokeAsync(first.Info.Id, Olga, Ct);
        var second = await Tokens.CreateAsync(new NewApiToken("ci", UserRole.Viewer), Olga, Ct);
        // Rotation from a script: the old one is revoked in the same step.
        var third = await Tokens.CreateOrReplaceAsync(new NewApiToken("ci", UserRole.Viewer), Olga, Ct);

        Assert.Null((await Tokens.AuthenticateAsync(second.Token, "192.0.2.5", Ct)).Identity);
        Assert.NotNull((await Tokens.AuthenticateAsync(third.Token, "192.0.2.5", Ct)).Identity);
        Assert.Single(await Tokens.ListAsync("olga", Ct), t => t.RevokedAt is null);
    }

    [Fact]
    public async Task The_database_refuses_a_second_live_token_of_one_name_even_past_the_store()
    {
        await Tokens.CreateAsync(new NewApiToken("ci", UserRole.Viewer), Olga, Ct);
        await using var db = await _fixture.CreateDbContextAsync(Ct);
        db.ApiTokens.Add(new ApiTokenEntity { Name = "ci", CreatedBy = "olga", Hash = new string('0', 64), Prefix = "apl_0000", Role = UserRole.Viewer });

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
    }
}
