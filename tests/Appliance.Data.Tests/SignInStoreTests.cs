using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Data.Store.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Data.Tests;

/// <summary>Sign-ins: no lock shared across users through the hash, lockout without lost counts, failures grouped in the audit.</summary>
public sealed class SignInStoreTests : IAsyncLifetime
{
    private static readonly ChangeContext Root = new("root", "192.0.2.10");
    private StoreFixture _fixture = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _fixture = await StoreFixture.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _fixture.DisposeAsync();

    private AccountStore Accounts(IPasswordHashing hashing, int maxFailures = 5) => new(
        _fixture.Services.GetRequiredService<IDbContextFactory<ApplianceDbContext>>(), hashing, _fixture.Time, new LockoutPolicy(maxFailures, TimeSpan.FromMinutes(5)));

    [Fact]
    public async Task A_slow_password_check_holds_up_neither_another_user_nor_an_unknown_name()
    {
        var hashing = new HoldingHashing("bobs-slow-password");
        using var accounts = Accounts(hashing);
        await accounts.CreateAsync(new NewUser("bob", "bobs-real-password", UserRole.Viewer), Root, Ct);
        await accounts.CreateAsync(new NewUser("alice", "alices-password", UserRole.Admin), Root, Ct);

        // On a thread of its own: the store may run synchronously up to the hash, and the hash holds its thread.
        var bob = Task.Run(() => accounts.SignInAsync("bob", "bobs-slow-password", "198.51.100.7", Ct), Ct);
        await hashing.Entered.Task.WaitAsync(Eventually.Limit, Ct);
        try
        {
            var alice = await accounts.SignInAsync("alice", "alices-password", "192.0.2.20", Ct).WaitAsync(Eventually.Limit, Ct);
            var unknown = await accounts.SignInAsync("mallory", "guess-password", "203.0.113.9", Ct).WaitAsync(Eventually.Limit, Ct);

            Assert.Equal(LoginOutcome.Succeeded, alice.Outcome);
            Assert.Equal(LoginOutcome.Failed, unknown.Outcome);
            Assert.False(bob.IsCompleted);
        }
        finally
        {
            hashing.Release.Set();
        }
        Assert.Equal(LoginOutcome.Failed, (await bob).Outcome);
    }

    [Fact]
    public async Task A_burst_of_wrong_passwords_for_one_user_checks_no_more_of_them_than_the_lockout_allows()
    {
        var hashing = new PlainHashing();
        using var accounts = Accounts(hashing, maxFailures: 3);
        await accounts.CreateAsync(new NewUser("carol", "carols-password", UserRole.Operator), Root, Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => accounts.SignInAsync("carol", $"guess-{i}-password", "198.51.100.7", Ct)));

        Assert.Equal(3, hashing.Verifications);
        Assert.Equal(2, results.Count(r => r.Outcome == LoginOutcome.Failed));
        Assert.Equal(18, results.Count(r => r.Outcome == LoginOutcome.LockedOut));
        await accounts.FlushFailuresAsync(Ct);
        var entry = Assert.Single(await _fixture.Audit.ListAsync(new AuditQuery(Action: "login.failure"), Ct));
        Assert.Equal(20, entry.Count);
    }

    [Fact]
    public async Task Failures_reach_the_database_together_a_second_later_and_on_disposal()
    {
        var accounts = Accounts(new PlainHashing());
        for (var i = 0; i < 5; i++)
        {
            await accounts.SignInAsync($"nobody{i}", "guess-password", "198.51.100.7", Ct);
        }
        Task<IReadOnlyList<AuditEntry>> StoredAsync() => _fixture.Audit.ListAsync(new AuditQuery(Action: "login.failure"), Ct);
        // Counted in memory: a flood does not write per try.
        Assert.Empty(await StoredAsync());

        _fixture.Time.Advance(TimeSpan.FromSeconds(1));

        await Eventually.TrueAsync(() => StoredAsync().GetAwaiter().GetResult() is [{ Count: 5 }], "the counted failures to be written");
        await accounts.SignInAsync("nobody", "guess-password", "198.51.100.7", Ct);
        await accounts.DisposeAsync();
        var entry = Assert.Single(await StoredAsync());
        Assert.Equal((6, StoreFixture.Epoch, StoreFixture.Epoch.AddSeconds(1)), (entry.Count, entry.Time, entry.LastAt));
    }

    [Fact]
    public async Task An_unknown_name_costs_no_hash_once_the_check_time_is_known()
    {
        var hashing = new PlainHashing();
        using var accounts = Accounts(hashing);
        await accounts.CreateAsync(new NewUser("dave", "daves-password", UserRole.Viewer), Root, Ct);
        await accounts.SignInAsync("dave", "daves-password", "192.0.2.20", Ct);
        var measured = hashing.Verifications;

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(LoginOutcome.Failed, (await accounts.SignInAsync($"nobody{i}", "guess-password", "198.51.100.7", Ct)).Outcome);
        }

        Assert.Equal(measured, hashing.Verifications);
    }

    [Fact]
    public async Task Failures_from_one_source_share_an_entry_per_window_and_name_with_a_count()
    {
        using var accounts = Accounts(new PlainHashing());
        await accounts.CreateAsync(new NewUser("erin", "erins-password", UserRole.Viewer), Root, Ct);

        foreach (var name in new[] { "admin", "root", "test" })
        {
            await accounts.SignInAsync(name, "guess-password", "198.51.100.7", Ct);
        }
        // Three addresses of one /64 are one source; an address of the next /64 is another.
        foreach (var address in new[] { "2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::9" })
        {
            await accounts.SignInAsync("admin", "guess-password", address, Ct);
        }
        await accounts.SignInAsync("admin", "guess-password", "2001:db8:1:3::1", Ct);
        await accounts.SignInAsync("erin", "wrong-password", "198.51.100.7", Ct);
        await accounts.SignInAsync("erin", "wrong-password", "198.51.100.7", Ct);
        _fixture.Time.Advance(TimeSpan.FromMinutes(11));
        await accounts.SignInAsync("nobody", "guess-password", "198.51.100.7", Ct);
        await accounts.FlushFailuresAsync(Ct);

        var failures = (await _fixture.Audit.ListAsync(new AuditQuery(Action: "login.failure"), Ct)).OrderBy(e => e.Id).ToList();
        Assert.Equal(
            [
                ("198.51.100.7", "unknown user", 3),
                ("2001:db8:1:2::/64", "unknown user", 3),
                ("2001:db8:1:3::1", "unknown user", 1),
                ("198.51.100.7", "user erin", 2),
                ("198.51.100.7", "unknown user", 1),
            ],
            failures.Select(e => (e.Source, e.Target, e.Count)));
        var first = failures[0];
        Assert.Equal(("admin", StoreFixture.Epoch), (first.Actor, first.Time));
        Assert.Contains("'test'", first.Details, StringComparison.Ordinal);
        Assert.Equal(StoreFixture.Epoch, first.LastAt);
        Assert.Contains("2 of 5", failures[3].Details, StringComparison.Ordinal);
        Assert.Null(failures[4].LastAt);
    }
}
