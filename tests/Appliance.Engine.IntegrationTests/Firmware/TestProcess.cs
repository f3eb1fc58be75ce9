using System.Diagnostics;

namespace Appliance.Engine.IntegrationTests.Firmware;

/// <summary>Runs a tool to completion (bounded) or starts a daemon; arguments as a list, never a shell string.</summary>
internal static class TestProcess
{
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, CancellationToken ct, IDictionary<string, string>? env = null)
    {
        using var process = Start(file, args, env);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', process.StartInfo.ArgumentList)} exited {process.ExitCode}: {await stderr}");
        }
        return await stdout;
    }

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
