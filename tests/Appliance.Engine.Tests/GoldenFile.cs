using System.Runtime.CompilerServices;

namespace Appliance.Engine.Tests;

/// <summary>
/// Exact-text golden files next to the test that owns them, as the planner's are (Planning/Golden). Set
/// UPDATE_GOLDEN=1 to rewrite them after an intended change, then review the diff.
/// </summary>
internal static class GoldenFile
{
    /// <param name="fileName">File name inside the Golden folder beside the calling test's source file.</param>
    public static void AssertMatches(string actual, string fileName, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, "Golden", fileName);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }
        Assert.True(File.Exists(path), $"golden file {path} is missing; run with UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
