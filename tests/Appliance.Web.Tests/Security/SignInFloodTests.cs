using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Appliance.Data;
using Appliance.Data.Entities;
using Appliance.Data.Store.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests.Security;

/// <summary>
/// A sign-in flood from many addresses: the valid user still gets in quickly, the per-source limit holds for a whole
/// IPv6 /64, and the audit trail grows by a row per source, not per try. Run alone: its timings are about this flood,
/// not about the other tests sharing the cores.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class SignInFloodTests : IAsyncDisposable
{
    private const string AddressHeader = "X-Test-Remote-Address";
    private const int Ipv4Sources = 400;
    private const int Ipv6Sources = 100;
    private const int TriesPerSource = 20;
    private const int AttemptsPerMinute = 10;
    private const int SourcesTryingBob = 20;
    private const string AlicePassword = "alices-long-passphrase";

    private readonly ApplianceFactory _factory = new()
    {
        TestServices = s => s.AddTransient<IStartupFilter, RemoteAddressFromHeader>(),
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ten_thousand_failed_sign_ins_leave_the_audit_bounded_and_a_valid_sign_in_under_two_seconds()
    {
        _factory.Settings["Appliance:Audit:MaxEntries"] = "1000";
        using var admin = _factory.CreateClient(UserRole.Admin);
        (await admin.PostAsJsonAsync("/api/v1/users", new { userName = "alice", password = AlicePassword, role = "admin" }, Ct)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/users", new { userName = "bob", password = "bobs-long-passphrase", role = "viewer" }, Ct)).EnsureSuccessStatusCode();
        // No cookies: every try is a stranger's, and the valid sign-in's session must not ride along on the flood.
        using var client = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        // A box that has been up a while: its first session (data protection keys, the sign-in path's code) is behind it.
        using (var warmUp = await SignInAsync(client, "192.0.2.10", "alice", AlicePassword, Ct))
        {
            await warmUp.ExpectAsync(HttpStatusCode.OK, Ct);
        }
        // What the same sign-in takes without a flood: on a machine this busy a PBKDF2 check alone may take a second.
        var quiet = Stopwatch.StartNew();
        using (var baseline = await SignInAsync(client, "192.0.2.10", "alice", AlicePassword, Ct))
        {
            await baseline.ExpectAsync(HttpStatusCode.OK, Ct);
        }
        var withoutFlood = quiet.Elapsed;
        var attempts = Attempts().ToList();
        Assert.Equal(10_000, attempts.Count);
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var done = 0;
        // Bounded in time as well as in count: a flood that cannot finish fails the test instead of hanging it.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromMinutes(3));
        var total = Stopwatch.StartNew();

        var flood = Parallel.ForEachAsync(attempts, new ParallelOptions { MaxDegreeOfParallelism = 96, CancellationToken = bound.Token }, async (attempt, ct) =>
        {
            using var response = await SignInAsync(client, attempt.Address, attempt.UserName, "not-the-password", ct);
            statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
            Interlocked.Increment(ref done);
        });
        var validTimes = new List<TimeSpan>();
        foreach (var mark in new[] { 2_000, 5_000, 8_000 })
        {
            while (Volatile.Read(ref done) < mark && !flood.IsCompleted)
            {
                await Task.Delay(20, bound.Token);
            }
            var watch = Stopwatch.StartNew();
            using var valid = await SignInAsync(client, "192.0.2.10", "alice", AlicePassword, bound.Token);
            validTimes.Add(watch.Elapsed);
            await valid.ExpectAsync(HttpStatusCode.OK, bound.Token);
            Assert.False(flood.IsCompleted, "the flood was over before the valid sign-in: it proves nothing");
        }
        await flood;
        total.Stop();
        // As the audit API does before it answers: the last second's counts may still be in memory.
        await _factory.Services.GetRequiredService<AccountStore>().FlushFailuresAsync(Ct);

        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<ApplianceDbContext>>().CreateDbContextAsync(Ct);
        var rows = await db.AuditEntries.CountAsync(Ct);
        var failureRows = await db.AuditEntries.CountAsync(a => a.Action == "login.failure", Ct);
        var failuresCounted = await db.AuditEntries.Where(a => a.Action == "login.failure").SumAsync(a => a.Count, Ct);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"flood: {total.Elapsed.TotalSeconds:0.0} s for {attempts.Count} sign-ins; valid sign-in without the flood {withoutFlood.TotalMilliseconds:0} ms, " +
            $"during it {string.Join(", ", validTimes.Select(t => $"{t.TotalMilliseconds:0} ms"))}; " +
            $"audit rows {rows} ({failureRows} failure rows counting {failuresCounted}); statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}: {s.Value}"))}");

        // The issue's bar is 2 s; where the machine is so loaded that the sign-in alone takes longer, the flood may not triple it.
        var bar = TimeSpan.FromSeconds(Math.Max(2, 3 * withoutFlood.TotalSeconds));
        Assert.All(validTimes, t => Assert.True(t < bar, $"a valid sign-in took {t.TotalMilliseconds:0} ms during the flood ({withoutFlood.TotalMilliseconds:0} ms without)"));
        // Ten tries a minute per source: every IPv6 source used twenty addresses of its /64 and was still held to ten.
        var sources = Ipv4Sources + Ipv6Sources;
        Assert.Equal(sources * (TriesPerSource - AttemptsPerMinute), statuses.GetValueOrDefault(HttpStatusCode.TooManyRequests));
        var refused = statuses.GetValueOrDefault(HttpStatusCode.Unauthorized) + statuses.GetValueOrDefault(HttpStatusCode.Locked);
        Assert.Equal(sources * AttemptsPerMinute, refused);
        // One row per source (bob's sources tried one name, the others only unknown ones), and every failure counted.
        Assert.Equal(sources, failureRows);
        Assert.Equal(refused, failuresCounted);
        Assert.True(rows <= 1000, $"{rows} audit rows, above the configured bound");
    }

    private static IEnumerable<(string Address, string UserName)> Attempts()
    {
        // Source after source, so each source's tries fall in one rate-limit window.
        for (var source = 0; source < Ipv4Sources + Ipv6Sources; source++)
        {
            for (var attempt = 0; attempt < TriesPerSource; attempt++)
            {
                string address;
                if (source < Ipv4Sources)
                {
                    var ipv4 = $"198.18.{source / 250}.{source % 250 + 1}";
                    // The same client over an IPv6 socket: the same source.
                    address = attempt % 2 == 0 ? ipv4 : "::ffff:" + ipv4;
                }
                else
                {
                    // Every try from another address of the source's /64.
                    address = $"2001:db8:{source:x}:1:{attempt + 1:x}::{attempt + 7:x}";
                }
                yield return (address, source < SourcesTryingBob ? "bob" : $"user{source}-{attempt}");
            }
        }
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string address, string userName, string password, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { userName, password }) };
        request.Headers.Add(AddressHeader, address);
        return client.SendAsync(request, ct);
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    /// <summary>The in-memory server has no remote address: the test gives each request the one it names.</summary>
    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[AddressHeader].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
