using System.Diagnostics;
using Appliance.Web.Hosting;

namespace Appliance.Web.Tests.Hosting;

/// <summary>The real program, as systemd starts it: how it exits.</summary>
public sealed class ProgramExitCodeTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("appliance-exit-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task A_database_that_cannot_be_opened_is_fatal_and_exits_non_zero()
    {
        // Not a SQLite file: migrating it at start fails.
        await File.WriteAllBytesAsync(Path.Combine(_data, "appliance.db"), Enumerable.Repeat((byte)0x5a, 8192).ToArray(), TestContext.Current.CancellationToken);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Appliance.Web.dll"),
            "--urls", "http://127.0.0.1:0",
            "--Appliance:DataDirectory", _data,
            "--Appliance:Engine:Enabled", "false",
            "--Firmware:BusAddress", $"unix:path={Path.Combine(_data, "no-bus")}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == ApplianceExitCodes.CouldNotStart, $"exit code {process.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Contains("could not run", await stderr, StringComparison.Ordinal);
    }
}
