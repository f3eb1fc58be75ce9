using System.Diagnostics;

namespace Appliance.Testing;

/// <summary>
/// The real appliance (Appliance.Web, built in Release) as a child process in the host namespace: its web UI and API
/// listen on the host, and only its engine's kernel commands go into the lab's appliance namespace.
/// </summary>
public sealed class ApplianceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private int _stopping;

    private ApplianceProcess(Process process) => _process = process;

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Raised when the process ends without <see cref="StopAsync"/> having asked it to.</summary>
    public event Action<int>? ExitedUnexpectedly;

    public static string WebDll(string repoRoot) => Path.Combine(repoRoot, "Appliance.Web", "bin", "Release", "net10.0", "Appliance.Web.dll");

    /// <param name="arguments">Configuration overrides for the appliance, as command-line arguments.</param>
    /// <param name="urls">Where its web UI and API listen (ASPNETCORE_URLS).</param>
    /// <param name="label">Prefixes the child's output lines, so the appliance and the hub can be told apart.</param>
    public static ApplianceProcess Start(string repoRoot, string networkNamespace, string dataDirectory, IEnumerable<string> arguments, string urls, string label = "appliance")
    {
        var dll = WebDll(repoRoot);
        if (!File.Exists(dll))
        {
            throw new LabException($"{dll} is missing: build it first (dotnet build Appliance.Web -c Release; scripts/run.sh does).");
        }
        var start = StartInfo(repoRoot, dataDirectory, arguments);
        start.Environment["Appliance__Engine__NetworkNamespace"] = networkNamespace;
        // The lab seeds its own configuration: no factory configuration on its fresh database.
        start.Environment["Appliance__Factory__FirstBoot"] = "false";
        start.Environment["ASPNETCORE_URLS"] = urls;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var appliance = new ApplianceProcess(process);
        process.OutputDataReceived += (_, e) => Forward(Console.Out, label, e.Data);
        process.ErrorDataReceived += (_, e) => Forward(Console.Error, label, e.Data);
        process.Exited += (_, _) =>
        {
            if (Volatile.Read(ref appliance._stopping) == 0)
            {
                appliance.ExitedUnexpectedly?.Invoke(process.ExitCode);
            }
        };
        if (!process.Start())
        {
            throw new LabException("could not start the appliance (dotnet)");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return appliance;
    }

    /// <summary>
    /// An admin token for the lab's own API calls, made with the appliance's console command on its database (the
    /// same way an admin scripts a box), so the lab needs no password. It replaces the token of that name a run before
    /// made on the same database (token names are unique).
    /// </summary>
    public static async Task<string> CreateTokenAsync(string repoRoot, string dataDirectory, string name)
    {
        var start = StartInfo(repoRoot, dataDirectory, ["token", "create", "--name", name, "--role", "admin", "--expires-days", "7", "--replace"]);
        using var process = Process.Start(start) ?? throw new LabException("could not start dotnet to create the lab's API token");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var token = (await stdout).Trim();
        if (process.ExitCode != 0 || !token.StartsWith("apl_", StringComparison.Ordinal))
        {
            throw new LabException($"creating the lab's API token failed (exit {process.ExitCode}): {(await stderr).Trim()}");
        }
        return token;
    }

    /// <summary>dotnet Appliance.Web.dll with <paramref name="arguments"/>, on the given database.</summary>
    private static ProcessStartInfo StartInfo(string repoRoot, string dataDirectory, IEnumerable<string> arguments)
    {
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            // The project folder is the content root, as with `dotnet run`: appsettings.json (log levels) is read from there.
            WorkingDirectory = Path.Combine(repoRoot, "Appliance.Web"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WebDll(repoRoot));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["Appliance__DataDirectory"] = dataDirectory;
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    private static void Forward(TextWriter writer, string label, string? line)
    {
        if (line is not null)
        {
            writer.WriteLine($"  {label,-9} │ {line}");
        }
    }

    /// <summary>Stops the child: SIGTERM to its PID for a clean shutdown, then a kill of its process tree after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        Interlocked.Exchange(ref _stopping, 1);
        if (_process.HasExited)
        {
            return;
        }
        Posix.Terminate(_process.Id);
        using var wait = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"lab: the appliance (pid {_process.Id}) did not stop within {grace.TotalSeconds:0} s; killing it");
            try
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // It ended in the meantime.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}

/// <summary>A failure the lab (or a benchmark) explains to the user in one line (no stack trace).</summary>
public sealed class LabException(string message, Exception? inner = null) : Exception(message, inner);
