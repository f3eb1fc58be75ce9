using Appliance.Engine.Kernel;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Tests.Kernel;

/// <summary>Every form of ip rule the kernel can list in the appliance's range is read without failing.</summary>
public class IpRuleParserTests
{
    // "ip -j -4 rule show" (iproute2 6.1, Linux 6.x) after adding the appliance's own forms and one rule of every other
    // kind to a scratch namespace: table names, suppress_prefixlength, iif/oif/to/not/tos/ipproto/ports/uidrange,
    // blackhole/unreachable/prohibit, goto, nop, l3mdev, realms, a protocol, a mark without mask.
    private const string Named = """
        [{"priority":0,"src":"all","table":"local"},
        {"priority":10010,"src":"all","fwmark":"0x7fff0000","fwmask":"0x7fff0000","table":"33767"},
        {"priority":10020,"src":"all","table":"main","suppress_prefixlen":0},
        {"priority":10050,"src":"198.51.100.2","table":"1001"},
        {"priority":10100,"src":"all","fwmark":"0x10000","fwmask":"0x7fff0000","table":"1001"},
        {"priority":10500,"src":"all","table":"main"},
        {"priority":10501,"src":"all","iif":"d0","table":"local"},
        {"priority":10502,"src":"all","dst":"198.51.100.0","dstlen":24,"table":"default"},
        {"priority":10503,"not":null,"src":"198.51.100.0","srclen":24,"table":"5"},
        {"priority":10504,"src":"all","action":"blackhole"},
        {"priority":10505,"src":"all","goto":10900},
        {"priority":10506,"src":"all","fwmark":"0x5","table":"7"},
        {"priority":10507,"src":"198.51.100.0","srclen":25,"table":"7"},
        {"priority":10508,"src":"all","table":"300","suppress_ifgroup":"3"},
        {"priority":10509,"src":"all","ipproto":"tcp","dport":80,"table":"9"},
        {"priority":10510,"src":"all","table":"1000","suppress_prefixlen":8},
        {"priority":10511,"src":"all","action":"unreachable"},
        {"priority":10512,"src":"all","nop":null},
        {"priority":10513,"src":"all","fwmark":"0x10000","table":"1001"},
        {"priority":10514,"src":"all","uid_start":100,"uid_end":200,"table":"9"},
        {"priority":10515,"src":"all","tos":"0x10","table":"9"},
        {"priority":10516,"src":"all","oif":"d0","table":"9"},
        {"priority":10517,"src":"198.51.100.0","srclen":24,"fwmark":"0x10000","fwmask":"0x7fff0000","table":"9"},
        {"priority":10518,"src":"all","l3mdev":null},
        {"priority":10519,"src":"all","sport_start":1000,"sport_end":2000,"table":"9"},
        {"priority":10520,"src":"all","action":"prohibit"},
        {"priority":10521,"src":"all","fwmark":"0","fwmask":"0x7fff0000","table":"9"},
        {"priority":10522,"src":"all","table":"9","flow_to":"3"},
        {"priority":10523,"src":"all","table":"9","protocol":"static"},
        {"priority":10900,"src":"all","table":"1000"},
        {"priority":32766,"src":"all","table":"main"},
        {"priority":32767,"src":"all","table":"default"}]
        """;

    // The same rules listed with -N (numeric tables, actions and protocols), as the applier lists them.
    private const string Numeric = """
        [{"priority":0,"src":"all","table":"255"},
        {"priority":10010,"src":"all","fwmark":"0x7fff0000","fwmask":"0x7fff0000","table":"33767"},
        {"priority":10020,"src":"all","table":"254","suppress_prefixlen":0},
        {"priority":10050,"src":"198.51.100.2","table":"1001"},
        {"priority":10100,"src":"all","fwmark":"0x10000","fwmask":"0x7fff0000","table":"1001"},
        {"priority":10500,"src":"all","table":"254"},
        {"priority":10501,"src":"all","iif":"d0","table":"255"},
        {"priority":10502,"src":"all","dst":"198.51.100.0","dstlen":24,"table":"253"},
        {"priority":10503,"not":null,"src":"198.51.100.0","srclen":24,"table":"5"},
        {"priority":10504,"src":"all","action":"6"},
        {"priority":10505,"src":"all","goto":10900},
        {"priority":10506,"src":"all","fwmark":"0x5","table":"7"},
        {"priority":10507,"src":"198.51.100.0","srclen":25,"table":"7"},
        {"priority":10508,"src":"all","table":"300","suppress_ifgroup":"3"},
        {"priority":10509,"src":"all","ipproto":"ipproto-6","dport":80,"table":"9"},
        {"priority":10510,"src":"all","table":"1000","suppress_prefixlen":8},
        {"priority":10511,"src":"all","action":"7"},
        {"priority":10512,"src":"all","nop":null},
        {"priority":10513,"src":"all","fwmark":"0x10000","table":"1001"},
        {"priority":10514,"src":"all","uid_start":100,"uid_end":200,"table":"9"},
        {"priority":10515,"src":"all","tos":"0x10","table":"9"},
        {"priority":10516,"src":"all","oif":"d0","table":"9"},
        {"priority":10517,"src":"198.51.100.0","srclen":24,"fwmark":"0x10000","fwmask":"0x7fff0000","table":"9"},
        {"priority":10518,"src":"all","l3mdev":null},
        {"priority":10519,"src":"all","sport_start":1000,"sport_end":2000,"table":"9"},
        {"priority":10520,"src":"all","action":"8"},
        {"priority":10521,"src":"all","fwmark":"0","fwmask":"0x7fff0000","table":"9"},
        {"priority":10522,"src":"all","table":"9","flow_to":"3"},
        {"priority":10523,"src":"all","table":"9","protocol":"4"},
        {"priority":10900,"src":"all","table":"1000"},
        {"priority":32766,"src":"all","table":"254"},
        {"priority":32767,"src":"all","table":"253"}]
        """;

    [Theory]
    [InlineData(Named)]
    [InlineData(Numeric)]
    public void The_appliances_own_forms_are_read_exactly(string listing)
    {
        var rules = IpRuleParser.Parse(listing).ToDictionary(r => r.Priority);

        Assert.Equal(new IpRuleSpec(10010, 0x7fff0000, 0x7fff0000, 33767), rules[10010]);
        Assert.Equal(new IpRuleSpec(10020, 0, 0, KernelIds.MainTable) { SuppressPrefixLength = 0 }, rules[10020]);
        Assert.Equal(new IpRuleSpec(10050, 0, 0, 1001, "198.51.100.2"), rules[10050]);
        Assert.Equal(new IpRuleSpec(10100, 0x10000, 0x7fff0000, 1001), rules[10100]);
        Assert.Equal(new IpRuleSpec(10900, 0, 0, 1000), rules[10900]);
    }

    [Theory]
    [InlineData(Named)]
    [InlineData(Numeric)]
    public void Rules_of_others_in_the_range_are_read_and_rules_outside_it_are_not(string listing)
    {
        var rules = IpRuleParser.Parse(listing).ToDictionary(r => r.Priority);

        Assert.All(rules.Keys, p => Assert.InRange(p, KernelIds.FirstRulePriority, KernelIds.LastRulePriority));
        Assert.Equal(29, rules.Count);
        // A plain "lookup main" (what used to stop the applier) and the other tables by name or number.
        Assert.Equal(new IpRuleSpec(10500, 0, 0, 254), rules[10500]);
        Assert.Equal(new IpRuleSpec(10506, 5, uint.MaxValue, 7), rules[10506]);
        Assert.Equal(new IpRuleSpec(10507, 0, 0, 7, "198.51.100.0/25"), rules[10507]);
        Assert.Equal(new IpRuleSpec(10510, 0, 0, 1000) { SuppressPrefixLength = 8 }, rules[10510]);
        Assert.Equal(new IpRuleSpec(10513, 0x10000, uint.MaxValue, 1001), rules[10513]);
        Assert.Equal(new IpRuleSpec(10517, 0x10000, 0x7fff0000, 9, "198.51.100.0/24"), rules[10517]);
        Assert.Equal(new IpRuleSpec(10521, 0, 0x7fff0000, 9), rules[10521]);
        Assert.Equal(new IpRuleSpec(10523, 0, 0, 9), rules[10523]);
        // Selectors and actions the appliance never writes are kept as text, so such a rule equals no planned one.
        Assert.Equal("iif d0", rules[10501].Unmanaged);
        Assert.Equal(255, rules[10501].Table);
        Assert.Equal("dst 198.51.100.0 dstlen 24", rules[10502].Unmanaged);
        Assert.Equal(253, rules[10502].Table);
        Assert.Equal("not", rules[10503].Unmanaged);
        Assert.Equal("goto 10900", rules[10505].Unmanaged);
        Assert.Equal(0, rules[10505].Table);
        Assert.Equal("nop", rules[10512].Unmanaged);
        Assert.Equal("suppress_ifgroup 3", rules[10508].Unmanaged);
        Assert.Equal("l3mdev", rules[10518].Unmanaged);
        Assert.All(new[] { 10504, 10509, 10511, 10514, 10515, 10516, 10519, 10520, 10522 }, p => Assert.NotNull(rules[p].Unmanaged));
        Assert.Equal("rule priority 10505 from all goto 10900", rules[10505].ToString());
    }

    [Fact]
    public void A_table_name_from_rt_tables_is_kept_as_text_rather_than_guessed()
    {
        var rule = Assert.Single(IpRuleParser.Parse("""[{"priority":10600,"src":"all","table":"isp-backup"}]"""));

        Assert.Equal("lookup isp-backup", rule.Unmanaged);
        Assert.Equal(0, rule.Table);
    }

    [Fact]
    public void Arguments_name_every_selector_of_a_planned_rule()
    {
        Assert.Equal(["priority", "10020", "lookup", "main", "suppress_prefixlength", "0"],
            IpRuleParser.Arguments(new IpRuleSpec(10020, 0, 0, KernelIds.MainTable) { SuppressPrefixLength = 0 }));
        Assert.Equal(["priority", "10050", "from", "198.18.11.2", "lookup", "2103"], IpRuleParser.Arguments(new IpRuleSpec(10050, 0, 0, 2103, "198.18.11.2")));
        Assert.Equal(["priority", "10100", "fwmark", "0x44f0000/0x7fff0000", "lookup", "2103"],
            IpRuleParser.Arguments(new IpRuleSpec(10100, 0x044f0000, KernelIds.MarkMask, 2103)));
        Assert.Equal(["priority", "10900", "lookup", "1000"], IpRuleParser.Arguments(new IpRuleSpec(10900, 0, 0, KernelIds.OwnTable)));
        Assert.Throws<ArgumentException>(() => IpRuleParser.Arguments(new IpRuleSpec(10501, 0, 0, 255) { Unmanaged = "iif d0" }));
    }
}
