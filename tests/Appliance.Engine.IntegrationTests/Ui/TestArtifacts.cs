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

    public static string? RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
