namespace Appliance.Engine.IntegrationTests.Ui;

/// <summary>Where tests leave files for people to look at (screenshots): test-artifacts/ at the repository root, ignored by git.</summary>
public static class TestArtifacts
{
    public static string Directory(string name)
    {
        var root = RepoRoot() ?? Path.GetTempPath();
        var path = Path.Combine(root, "test-artifacts", name);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    public static string? RepoRoot() => Appliance.Testing.RunningAppliance.FindRepoRoot(AppContext.BaseDirectory);
}
