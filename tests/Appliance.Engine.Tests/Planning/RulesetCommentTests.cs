using System.Text;
using System.Text.RegularExpressions;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Tests.Planning;

/// <summary>Every rule the appliance loads says why it exists, so <c>nft list ruleset</c> on a box explains itself.</summary>
public partial class RulesetCommentTests
{
    [GeneratedRegex("""^\t\t\S.* comment "(?<why>[A-Za-z0-9 _.,:;()/'+=<>-]{1,128})"\z""")]
    private static partial Regex CommentedRule();

    [Fact]
    public void Every_rule_of_every_planned_ruleset_ends_in_a_safe_comment()
    {
        foreach (var (name, snapshot, health) in PlanCases.All())
        {
            var inChain = false;
            foreach (var line in Planner.Plan(snapshot, health).Ruleset.Split('\n'))
            {
                if (line.StartsWith("\tchain ", StringComparison.Ordinal))
                {
                    inChain = true;
                }
                else if (line == "\t}")
                {
                    inChain = false;
                }
                else if (inChain && !line.StartsWith("\t\ttype ", StringComparison.Ordinal))
                {
                    Assert.True(CommentedRule().IsMatch(line), $"{name}: rule without a safe comment: {line}");
                }
            }
        }
    }

    [Fact]
    public void A_comment_cannot_end_its_quoted_string_or_pass_the_kernels_limit()
    {
        var why = "rule 1: \"quoted\"\\ and\nnew line é " + new string('x', 200);

        var safe = ChainWriter.SafeComment(why);

        Assert.Equal(ChainWriter.MaxCommentLength, safe.Length);
        Assert.StartsWith("rule 1: ?quoted?? and?new line ? x", safe, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chain_is_written_with_its_hook_indented_rules_and_closing_brace()
    {
        var text = new StringBuilder();

        using (var chain = new ChainWriter(text, "forward", "filter hook forward priority mangle"))
        {
            chain.Rule("tcp flags syn tcp option maxseg size set rt mtu", "clamp");
        }

        Assert.Equal(
            "\tchain forward {\n\t\ttype filter hook forward priority mangle; policy accept;\n" +
            "\t\ttcp flags syn tcp option maxseg size set rt mtu comment \"clamp\"\n\t}\n",
            text.ToString());
    }

    [Fact]
    public void A_rule_without_a_reason_is_refused()
    {
        using var chain = new ChainWriter(new StringBuilder(), "choose");

        Assert.Throws<ArgumentException>(() => chain.Rule("goto balance", " "));
    }
}
