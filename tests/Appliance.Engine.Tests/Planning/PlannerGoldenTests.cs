using System.Runtime.CompilerServices;
using Appliance.Engine.Planning;

namespace Appliance.Engine.Tests.Planning;

/// <summary>Config and link health in, exact ruleset, routes, rules and warnings out (firewall4-style golden files).</summary>
/// <remarks>Set UPDATE_GOLDEN=1 to rewrite the files after an intended change, then review the diff.</remarks>
public class PlannerGoldenTests
{
    public static TheoryData<string> Cases() => new(PlanCases.All().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_matches_golden_file(string name)
    {
        var (_, snapshot, health) = PlanCases.All().Single(c => c.Name == name);
        var actual = Describe(Planner.Plan(snapshot, health));
        var path = GoldenPath(name);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run with UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void Planning_is_deterministic_and_independent_of_wan_order()
    {
        foreach (var (_, snapshot, health) in PlanCases.All())
        {
            var reversed = snapshot with { Config = snapshot.Config with { Wans = snapshot.Config.Wans.Reverse().ToList() } };
            Assert.Equal(Describe(Planner.Plan(snapshot, health)), Describe(Planner.Plan(snapshot, health)));
            Assert.Equal(Planner.Plan(snapshot, health).Ruleset, Planner.Plan(reversed, health).Ruleset);
        }
    }

    internal static string Describe(DesiredState state) =>
        state.Ruleset + "# routing\n" + state.DescribeRouting() + "# warnings\n" + string.Concat(state.Warnings.Select(w => w + "\n"));

    internal static string GoldenPath(string name, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Golden", name + ".txt");
}
