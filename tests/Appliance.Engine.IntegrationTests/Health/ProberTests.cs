using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Appliance.Engine.Configuration;
using Appliance.Engine.Health;
using Appliance.Engine.Health.Probing;
using Appliance.Engine.Kernel;
using Appliance.Engine.Planning;
using Appliance.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Engine.IntegrationTests.Health;

/// <summary>
/// The probers on a real kernel, with the routing the engine plans for two WANs: each probe must leave by the WAN it is
/// bound to (the responder sees that WAN's address) although the appliance's own default route points at wan1, its
/// answer must pass that WAN's strict reverse-path filter, and a silent ISP must read as loss within the timeout.
/// </summary>
public sealed class ProberTests : IAsyncLifetime
{
    /// <summary>
    /// A bound, not a bar: an answered probe returns as soon as the answer comes. The first HTTPS probe of a process
    /// (TLS set-up, certificate checks) took over 2 s on a machine with both cores busy.
    /// </summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LossTimeout = TimeSpan.FromMilliseconds(500);
    /// <summary>How late a lost probe may report: its timeout plus room for a busy test machine.</summary>
    private static readonly TimeSpan LossReportedWithin = TimeSpan.FromMilliseconds(1500);
    private const int TcpPort = 7000;
    private const int ClosedTcpPort = 7001;
    private const int HttpPort = 8081;

    private NetnsLab _lab = null!;
    private Dictionary<string, uint> _marks = null!;
    private NamespaceSocketFactory _sockets = null!;
    private ProberSet _probers = null!;
    private CountingIcmpEchoListener _icmp = null!;
    private CountingTcpServer _tcp = null!;
    private CountingDnsServer _dns = null!;
    private CountingHttpServer _http = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ProbeMethod[] AllMethods = [ProbeMethod.Icmp, ProbeMethod.Tcp, ProbeMethod.Dns, ProbeMethod.Http];

    public static TheoryData<ProbeMethod> Methods => new(AllMethods);

    public async ValueTask InitializeAsync()
    {
        _lab = await NetnsLab.CreateAsync([new LabWan(1), new LabWan(2)]);
        // Policy routing as the engine sets it up (planned and applied by the engine's own code, nothing by hand): a
        // table per WAN chosen by the socket mark or the WAN's address, strict reverse-path filtering on the WANs.
        var config = new ApplianceConfig
        {
            Wans = _lab.Wans.Select(w => new WanLink { Name = w.Interface, Interface = w.Interface, Gateway = w.Gateway.ToString() }).ToList(),
            Settings = new ApplianceSettings { Lan = new LanSettings { Interfaces = ["lan0"], Addresses = [LabAddresses.ApplianceLan + "/24"] } },
        };
        var health = _lab.Wans.ToDictionary(w => w.Interface, w => new LinkHealth(LinkState.Up, "up", Address: w.ApplianceAddress.ToString()));
        var state = Planner.Plan(new ConfigSnapshot(1, config, DateTimeOffset.UtcNow), health);
        _marks = state.Wans.ToDictionary(w => w.Interface, w => w.Mark);
        await new KernelApplier(new ProcessCommandRunner(_lab.Appliance), NullLogger<KernelApplier>.Instance).ApplyAsync(state);
        var inet = _lab.Thread(_lab.Inet);
        _icmp = new CountingIcmpEchoListener(inet, LabAddresses.Server);
        _tcp = new CountingTcpServer(inet, new IPEndPoint(LabAddresses.Server, TcpPort));
        _dns = new CountingDnsServer(inet, new IPEndPoint(LabAddresses.Server, 53));
        _http = new CountingHttpServer(inet, new IPEndPoint(LabAddresses.Server, HttpPort));
        _sockets = new NamespaceSocketFactory(_lab.Appliance);
        _probers = new ProberSet(_sockets, TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        _probers?.Dispose();
        _sockets?.Dispose();
        _icmp?.Dispose();
        _tcp?.Dispose();
        _dns?.Dispose();
        _http?.Dispose();
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task A_probe_is_answered_and_leaves_by_the_wan_it_is_bound_to(ProbeMethod method)
    {
        // wan2 first: the appliance's own default route is via wan1, so only the mark and the device binding can send it via wan2.
        foreach (var (wan, other) in new[] { (Wan2, Wan1), (Wan1, Wan2) })
        {
            var responder = ResponderFor(method);
            responder.Reset();

            var result = await _probers.ProbeAsync(Target(method), Binding(wan), AnswerTimeout, Ct);

            Assert.True(result.Success, $"{method} via {wan.Interface}: {result.Error}");
            Assert.Null(result.Error);
            Assert.InRange(result.RttMs, 0.001, 1000);
            Assert.True(await EventuallyAsync(() => responder.CountFrom(wan.ApplianceAddress) > 0),
                $"{method} via {wan.Interface}: responder saw [{string.Join(", ", responder.BySource.Keys)}], not {wan.ApplianceAddress}");
            Assert.Equal(0, responder.CountFrom(other.ApplianceAddress));
        }
    }

    [Fact]
    public async Task When_isp2_goes_silent_every_method_is_lost_within_the_timeout_while_wan1_still_answers()
    {
        Assert.All(await ProbeAllAsync(Wan2, AnswerTimeout), p => Assert.True(p.Result.Success, $"{p.Method} before the silence: {p.Result.Error}"));

        await _lab.SetIspSilentAsync(2, true);

        var lost = await ProbeAllAsync(Wan2, LossTimeout);
        Assert.All(lost, p =>
        {
            Assert.False(p.Result.Success, $"{p.Method} via a silent ISP was answered");
            Assert.Contains("within 500 ms", p.Result.Error, StringComparison.Ordinal);
            Assert.Equal(0, p.Result.RttMs);
            Assert.True(p.Elapsed < LossReportedWithin, $"{p.Method} took {p.Elapsed.TotalMilliseconds:0} ms to report loss");
            Assert.True(p.Elapsed >= LossTimeout - TimeSpan.FromMilliseconds(50), $"{p.Method} gave up after {p.Elapsed.TotalMilliseconds:0} ms, before its timeout");
        });
        Assert.All(await ProbeAllAsync(Wan1, AnswerTimeout), p => Assert.True(p.Result.Success, $"{p.Method} via wan1 while ISP 2 is silent: {p.Result.Error}"));
    }

    [Fact]
    public async Task A_tcp_probe_to_a_closed_port_counts_as_answered_because_the_reset_came_through_the_wan()
    {
        var closed = new ProbeTarget(ProbeMethod.Tcp, LabAddresses.Server.ToString(), ClosedTcpPort, "", false);

        var refused = await _probers.ProbeAsync(closed, Binding(Wan2), AnswerTimeout, Ct);
        Assert.True(refused.Success, refused.Error);
        Assert.InRange(refused.RttMs, 0.001, 1000);

        // The answer is the target's reset, not a local shortcut: with ISP 2 silent the same probe is lost.
        await _lab.SetIspSilentAsync(2, true);
        var silent = await _probers.ProbeAsync(closed, Binding(Wan2), LossTimeout, Ct);
        Assert.False(silent.Success);
    }

    [Fact]
    public async Task The_callers_cancellation_propagates_instead_of_being_reported_as_loss()
    {
        await _lab.SetIspSilentAsync(2, true);
        foreach (var method in AllMethods)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            cts.CancelAfter(TimeSpan.FromMilliseconds(200));
            var watch = Stopwatch.StartNew();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _probers.ProbeAsync(Target(method), Binding(Wan2), TimeSpan.FromSeconds(10), cts.Token));

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"{method} took {watch.Elapsed.TotalMilliseconds:0} ms to stop");
        }
    }

    [Fact]
    public async Task Service_answers_that_still_prove_the_link_are_answered_and_http_5xx_is_lost()
    {
        // DNS SERVFAIL: the server answered through the WAN; its upstream trouble is not this link's.
        _dns.ResponseCode = 2;
        var servfail = await _probers.ProbeAsync(Target(ProbeMethod.Dns), Binding(Wan2), AnswerTimeout, Ct);
        Assert.True(servfail.Success, servfail.Error);

        // HTTP below 500 (a redirect is not followed) answers; 5xx does not.
        _http.Status = 302;
        Assert.True((await _probers.ProbeAsync(Target(ProbeMethod.Http), Binding(Wan2), AnswerTimeout, Ct)).Success);
        _http.Status = 404;
        Assert.True((await _probers.ProbeAsync(Target(ProbeMethod.Http), Binding(Wan2), AnswerTimeout, Ct)).Success);
        _http.Status = 503;
        var unavailable = await _probers.ProbeAsync(Target(ProbeMethod.Http), Binding(Wan2), AnswerTimeout, Ct);
        Assert.False(unavailable.Success);
        Assert.Contains("503", unavailable.Error, StringComparison.Ordinal);
        Assert.All(_http.RequestLines, line => Assert.Equal("GET /health?probe=1 HTTP/1.1", line));
        Assert.Equal(3, _http.CountFrom(Wan2.ApplianceAddress));
    }

    [Fact]
    public async Task Https_with_a_self_signed_certificate_is_answered()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=probe.invalid", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var https = new CountingHttpServer(_lab.Thread(_lab.Inet), new IPEndPoint(LabAddresses.Server, 8443), 200, certificate);
        Assert.True(ProbeTarget.TryParse($"https://{LabAddresses.Server}:8443/", ProbeMethod.Icmp, out var target, out var error), error);

        var result = await _probers.ProbeAsync(target, Binding(Wan2), AnswerTimeout, Ct);

        Assert.True(result.Success, result.Error);
        Assert.Equal(1, https.CountFrom(Wan2.ApplianceAddress));
    }

    [Fact]
    public async Task An_icmp_probe_ignores_echo_replies_from_other_targets()
    {
        // 203.0.113.99 does not exist: its probe shares the WAN with probes whose replies do arrive, and must not take one of theirs.
        var nowhere = new ProbeTarget(ProbeMethod.Icmp, "203.0.113.99", 0, "", false);
        var lost = _probers.ProbeAsync(nowhere, Binding(Wan2), LossTimeout, Ct);
        var answered = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            await Task.Delay(i * 20, Ct);
            return await _probers.ProbeAsync(Target(ProbeMethod.Icmp), Binding(Wan2), AnswerTimeout, Ct);
        }));

        Assert.All(answered, r => Assert.True(r.Success, r.Error));
        Assert.False((await lost).Success);
    }

    [Fact]
    public async Task Targets_a_prober_cannot_handle_are_lost_with_a_reason()
    {
        var ipv6 = await _probers.ProbeAsync(new ProbeTarget(ProbeMethod.Icmp, "2001:db8::1", 0, "", false), Binding(Wan1), LossTimeout, Ct);
        Assert.Equal(ProbeResult.Lost("IPv6 ICMP not supported yet"), ipv6);

        var name = await _probers.ProbeAsync(new ProbeTarget(ProbeMethod.Tcp, "server.invalid", 443, "", false), Binding(Wan1), LossTimeout, Ct);
        Assert.False(name.Success);
        Assert.Contains("not an IP address", name.Error, StringComparison.Ordinal);

        var longLabel = await _probers.ProbeAsync(Target(ProbeMethod.Dns) with { Detail = new string('a', 64) + ".example" }, Binding(Wan1), LossTimeout, Ct);
        Assert.False(longLabel.Success);
        Assert.Contains("invalid label", longLabel.Error, StringComparison.Ordinal);
    }

    private LabWan Wan1 => _lab.Wans[0];
    private LabWan Wan2 => _lab.Wans[1];

    private WanBinding Binding(LabWan wan) => new(wan.Interface, _marks[wan.Interface]);

    /// <summary>Targets written as in the configuration, so parsing and probing are exercised together.</summary>
    private static ProbeTarget Target(ProbeMethod method)
    {
        var text = method switch
        {
            ProbeMethod.Icmp => $"icmp://{LabAddresses.Server}",
            ProbeMethod.Tcp => $"tcp://{LabAddresses.Server}:{TcpPort}",
            ProbeMethod.Dns => $"dns://{LabAddresses.Server}/example.com",
            _ => $"http://{LabAddresses.Server}:{HttpPort}/health?probe=1",
        };
        Assert.True(ProbeTarget.TryParse(text, ProbeMethod.Icmp, out var target, out var error), error);
        return target;
    }

    private CountingServer ResponderFor(ProbeMethod method) => method switch
    {
        ProbeMethod.Icmp => _icmp,
        ProbeMethod.Tcp => _tcp,
        ProbeMethod.Dns => _dns,
        _ => _http,
    };

    private sealed record Probe(ProbeMethod Method, ProbeResult Result, TimeSpan Elapsed);

    /// <summary>All four methods at once through one WAN, each timed on its own.</summary>
    private Task<Probe[]> ProbeAllAsync(LabWan wan, TimeSpan timeout) =>
        Task.WhenAll(AllMethods.Select(async method =>
        {
            var watch = Stopwatch.StartNew();
            var result = await _probers.ProbeAsync(Target(method), Binding(wan), timeout, Ct);
            return new Probe(method, result, watch.Elapsed);
        }));

    /// <summary>Servers record a session when they accept it, which may be just after the client has its answer.</summary>
    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(20, Ct);
        }
        return true;
    }
}
