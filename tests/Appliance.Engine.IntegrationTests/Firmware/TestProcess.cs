using System.Diagnostics;
using Appliance.Engine.Kernel;

namespace Appliance.Engine.IntegrationTests.Firmware;

/// <summary>Runs a tool to completion or starts a daemon; arguments as a list, never a shell string.</summary>
internal static class TestProcess
{
    private static readonly ProcessCommandRunner Runner = new();

    /// <summary>Runs a tool to completion with the engine's own runner (bounded; a non-zero exit throws with its stderr).</summary>
    public static Task<string> RunAsync(string file, IReadOnlyList<string> args, CancellationToken ct) => Runner.RunCheckedAsync(file, args, null, ct);

    public static Process Start(string file, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        return Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
    }

    /// <summary>Ends a process this test started, by its own handle (never by name).</summary>
    public static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
        }
    }
}
