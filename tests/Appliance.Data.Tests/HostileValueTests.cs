using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Appliance.Engine.Configuration.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Data.Tests;

/// <summary>
/// Every string field of the configuration and of the hub's edges, fed a trailing newline, a tab, a NUL and a
/// 10,000-character value: each is refused with an error on that field alone.
/// </summary>
public sealed class HostileValueTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What a hostile client sends in place of a good value: kind and how it is made from the good one.</summary>
    public static readonly (string Kind, Func<string, string> Make)[] Hostile =
    [
        ("trailing newline", good => good + "\n"),
        ("tab", good => good[..(good.Length / 2)] + "\t" + good[(good.Length / 2)..]),
        ("NUL", good => good + "\0"),
        ("10,000 characters", good => good + new string('a', 10_000 - good.Length)),
    ];

    /// <summary>A configuration every validator accepts; each field below starts from its value here.</summary>
    private static ApplianceConfig Valid() => new()
    {
        Ports = [new PortConfig { Name = "lan1", Role = PortRole.Lan }],
        Wans =
        [
            Samples.Wan("dsl", "eth1", gateway: "198.51.100.254") with
            {
                Probes = new ProbeSettings { Targets = ["198.51.100.1", "https://probe.example/health"] },
                Addressing = new WanAddressing { Mode = AddressingMode.Static, Address = "198.51.100.2/24" },
            },
            Samples.Wan("ppp", "eth2") with
            {
                Addressing = new WanAddressing
                {
                    Mode = AddressingMode.Pppoe, DnsServers = ["198.51.100.53"],
                    Pppoe = new PppoeSettings { Username = "user@isp.example", Password = "s3cret-pass", ServiceName = "isp-ac" },
                },
            },
        ],
        Rules =
        [
            new Rule { Id = 1, Description = "web", Protocol = RuleProtocol.Tcp, Source = "198.18.0.0/15", Destination = "203.0.113.0/24", DestinationPorts = "80,443" },
        ],
        Settings = new ApplianceSettings
        {
            Lan = new LanSettings
            {
                Interfaces = ["lan0"], Addresses = ["192.0.2.1/24"],
                Dhcp = new LanDhcpSettings
                {
                    Enabled = true, RangeStart = "192.0.2.100", RangeEnd = "192.0.2.199",
                    StaticLeases = [new StaticLease { Mac = "02:00:5e:10:00:01", Address = "192.0.2.10", Name = "printer" }],
                },
                Dns = new LanDnsSettings { Enabled = true, Upstreams = DnsUpstreams.Manual, Servers = ["198.51.100.53"] },
            },
            Hub = new HubPeerSettings { Address = "hub.example", EdgeId = "branch-7", Key = "shared-key-0123456789" },
            Listen = new HubListenSettings { Address = "0.0.0.0" },
        },
    };

    private static ApplianceConfig WithWan(ApplianceConfig c, Func<WanLink, WanLink> change) => c with { Wans = [change(c.Wans[0]), .. c.Wans.Skip(1)] };
    private static ApplianceConfig WithPppoe(ApplianceConfig c, Func<WanAddressing, WanAddressing> change) =>
        c with { Wans = [c.Wans[0], c.Wans[1] with { Addressing = change(c.Wans[1].Addressing!) }] };
    private static ApplianceConfig WithLan(ApplianceConfig c, Func<LanSettings, LanSettings> change) => c with { Settings = c.Settings with { Lan = change(c.Settings.Lan) } };
    private static ApplianceConfig WithLease(ApplianceConfig c, Func<StaticLease, StaticLease> change) =>
        WithLan(c, l => l with { Dhcp = l.Dhcp with { StaticLeases = [change(l.Dhcp.StaticLeases[0])] } });
    private static ApplianceConfig WithRule(ApplianceConfig c, int i, Func<Rule, Rule> change) => c with { Rules = c.Rules.Select((r, n) => n == i ? change(r) : r).ToList() };
    private static ApplianceConfig WithSettings(ApplianceConfig c, Func<ApplianceSettings, ApplianceSettings> change) => c with { Settings = change(c.Settings) };

    /// <summary>Every string field: its path in validation errors, its good value, and how to put another value there.</summary>
    private static readonly (string Path, string Good, Func<ApplianceConfig, string, ApplianceConfig> Set)[] Fields =
    [
        ("wans[0].name", "dsl", (c, v) => WithWan(c, w => w with { Name = v })),
        ("wans[0].interface", "eth1", (c, v) => WithWan(c, w => w with { Interface = v })),
        ("wans[0].gateway", "198.51.100.254", (c, v) => WithWan(c, w => w with { Gateway = v })),
        ("wans[0].probes.targets[0]", "198.51.100.1", (c, v) => WithWan(c, w => w with { Probes = w.Probes with { Targets = [v, w.Probes.Targets[1]] } })),
        ("wans[0].probes.targets[1]", "https://probe.example/health", (c, v) => WithWan(c, w => w with { Probes = w.Probes with { Targets = [w.Probes.Targets[0], v] } })),
        ("rules[0].description", "web", (c, v) => WithRule(c, 0, r => r with { Description = v })),
        ("rules[0].source", "198.18.0.0/15", (c, v) => WithRule(c, 0, r => r with { Source = v })),
        ("rules[0].destination", "203.0.113.0/24", (c, v) => WithRule(c, 0, r => r with { Destination = v })),
        ("rules[0].destinationPorts", "80,443", (c, v) => WithRule(c, 0, r => r with { DestinationPorts = v })),
        // Added only here: a pin rule in every case would also complain when the WAN's own name is the bad value.
        ("rules[1].wan", "dsl", (c, v) => c with { Rules = [.. c.Rules, new Rule { Id = 2, Action = RuleAction.Pin, Wan = v }] }),
        ("wans[0].addressing.address", "198.51.100.2/24", (c, v) => WithWan(c, w => w with { Addressing = w.Addressing! with { Address = v } })),
        ("wans[1].addressing.dnsServers[0]", "198.51.100.53", (c, v) => WithPppoe(c, a => a with { DnsServers = [v] })),
        ("wans[1].addressing.pppoe.username", "user@isp.example", (c, v) => WithPppoe(c, a => a with { Pppoe = a.Pppoe! with { Username = v } })),
        ("wans[1].addressing.pppoe.password", "s3cret-pass", (c, v) => WithPppoe(c, a => a with { Pppoe = a.Pppoe! with { Password = v } })),
        ("wans[1].addressing.pppoe.serviceName", "isp-ac", (c, v) => WithPppoe(c, a => a with { Pppoe = a.Pppoe! with { ServiceName = v } })),
        ("ports[0].name", "lan1", (c, v) => c with { Ports = [new PortConfig { Name = v, Role = PortRole.Lan }] }),
        ("settings.lan.domain", "lan", (c, v) => WithLan(c, l => l with { Domain = v })),
        ("settings.lan.dhcp.rangeStart", "192.0.2.100", (c, v) => WithLan(c, l => l with { Dhcp = l.Dhcp with { RangeStart = v } })),
        ("settings.lan.dhcp.rangeEnd", "192.0.2.199", (c, v) => WithLan(c, l => l with { Dhcp = l.Dhcp with { RangeEnd = v } })),
        ("settings.lan.dhcp.staticLeases[0].mac", "02:00:5e:10:00:01", (c, v) => WithLease(c, x => x with { Mac = v })),
        ("settings.lan.dhcp.staticLeases[0].address", "192.0.2.10", (c, v) => WithLease(c, x => x with { Address = v })),
        ("settings.lan.dhcp.staticLeases[0].name", "printer", (c, v) => WithLease(c, x => x with { Name = v })),
        ("settings.lan.dns.servers[0]", "198.51.100.53", (c, v) => WithLan(c, l => l with { Dns = l.Dns with { Servers = [v] } })),
        ("settings.lan.interfaces[0]", "lan0", (c, v) => WithSettings(c, s => s with { Lan = s.Lan with { Interfaces = [v] } })),
        ("settings.lan.addresses[0]", "192.0.2.1/24", (c, v) => WithSettings(c, s => s with { Lan = s.Lan with { Addresses = [v] } })),
        ("settings.hub.address", "hub.example", (c, v) => WithSettings(c, s => s with { Hub = s.Hub with { Address = v } })),
        ("settings.hub.edgeId", "branch-7", (c, v) => WithSettings(c, s => s with { Hub = s.Hub with { EdgeId = v } })),
        ("settings.hub.key", "shared-key-0123456789", (c, v) => WithSettings(c, s => s with { Hub = s.Hub with { Key = v } })),
        ("settings.listen.address", "0.0.0.0", (c, v) => WithSettings(c, s => s with { Listen = s.Listen with { Address = v } })),
    ];

    public static TheoryData<string, string> FieldsAndKinds() =>
        new(Fields.SelectMany(f => Hostile.Select(h => (f.Path, h.Kind))));

    [Fact]
    public void The_starting_configuration_and_every_good_value_are_valid()
    {
        foreach (var (path, good, set) in Fields)
        {
            var errors = ConfigValidator.Default.Validate(set(Valid(), good), ValidationPurpose.Apply);
            Assert.True(errors.IsEmpty, $"{path} = '{good}': {errors}");
        }
    }

    [Theory]
    [MemberData(nameof(FieldsAndKinds))]
    public void A_hostile_value_is_refused_on_its_field_alone(string path, string kind)
    {
        var field = Fields.Single(f => f.Path == path);
        var value = Hostile.Single(h => h.Kind == kind).Make(field.Good);

        var errors = ConfigValidator.Default.Validate(field.Set(Valid(), value), ValidationPurpose.Edit);

        Assert.Equal([path], errors.ToDictionary().Keys);
        // Messages may quote what was sent, but never a raw control character or the whole 10,000 characters.
        Assert.All(errors.Entries, e => Assert.True(!e.Message.Any(char.IsControl) && e.Message.Length < 1_000, e.Message));
    }

    [Fact]
    public void A_trailing_newline_does_not_slip_past_the_end_anchor_of_names()
    {
        Assert.False(FieldRules.IsSlug("dsl\n"));
        Assert.NotNull(FieldRules.InterfaceNameError("eth0\n"));
        Assert.False(FieldRules.IsHostname("hub.example\n"));
    }

    [Theory]
    [InlineData("fe80::1%1\n")] // IPAddress.TryParse takes a zone, and ignores what follows it
    [InlineData("2001:db8::1%eth0")]
    [InlineData(" 198.51.100.1")]
    public void Address_literals_with_a_zone_or_anything_around_them_are_refused(string value)
    {
        Assert.False(FieldRules.TryParseHostAddress(value, out _));
        Assert.False(FieldRules.TryParseAddress(value, out _));
    }

    [Fact]
    public void Numbers_followed_by_a_nul_are_refused()
    {
        // int.TryParse, and IPNetwork.TryParse with it, ignores trailing NULs.
        Assert.False(FieldRules.TryParseCidr("198.51.100.0/24\0", out _));
        Assert.False(FieldRules.TryParseInterfaceAddress("192.0.2.1/24\0", out _, out _));
        Assert.Null(FieldRules.ParsePorts("80\0", out _));
    }

    [Theory]
    [InlineData("id")]
    [InlineData("key")]
    [InlineData("description")]
    public async Task A_hostile_value_in_an_edge_field_is_refused_and_nothing_is_stored(string field)
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = fixture.Services.GetRequiredService<HubEdgeStore>();
        foreach (var (kind, make) in Hostile)
        {
            var edge = field switch
            {
                "id" => new NewHubEdge(make("branch-7")),
                "key" => new NewHubEdge("branch-7", Key: make("shared-key-0123456789")),
                _ => new NewHubEdge("branch-7", Description: make("Lyon office")),
            };

            var error = await Assert.ThrowsAsync<ConfigValidationException>(() => edges.CreateAsync(edge, Samples.Admin, Ct));

            Assert.True(error.Errors.ToDictionary().Keys.SequenceEqual([field]), $"{field}, {kind}: {error.Errors}");
            Assert.Empty(await edges.ListAsync(Ct));
        }
        Assert.Empty(await fixture.Audit.ListAsync(ct: Ct));
    }

    [Fact]
    public async Task An_edge_description_may_hold_any_printable_text_up_to_200_characters()
    {
        await using var fixture = await StoreFixture.StartAsync(Ct);
        var edges = fixture.Services.GetRequiredService<HubEdgeStore>();
        var description = "Lyon – 3e étage, baie n°2 " + new string('x', 200 - 26);

        await edges.CreateAsync(new NewHubEdge("branch-7", Description: description), Samples.Admin, Ct);

        Assert.Equal(description, (await edges.GetAsync("branch-7", Ct)).Description);
    }
}
