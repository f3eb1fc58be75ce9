using System.Net;
using System.Net.Sockets;

namespace Appliance.Testing;

/// <summary>
/// The built appliance (Appliance.Web, Release) started as its own process on a free loopback port, its engine in a
/// lab namespace, with an admin token made by its console command and its API answering; stopped on dispose.
/// </summary>
public sealed class RunningAppliance : IAsyncDisposable
{
    private RunningAppliance(ApplianceProcess process, ApplianceApi api, string url, string token)
    {
        Process = process;
        Api = api;
        Url = url;
        Token = token;
    }

    public ApplianceProcess Process { get; }
    public ApplianceApi Api { get; }
    /// <summary>Where its UI and API listen, e.g. http://127.0.0.1:40123 (no trailing slash).</summary>
    public string Url { get; }
    public string Token { get; }

    /// <param name="settings">Host settings on the command line, e.g. <c>Appliance:Engine:Bonding:BufferBudgetBytes</c>.</param>
    public static async Task<RunningAppliance> StartAsync(
        string repoRoot, string networkNamespace, string dataDirectory, string label, CancellationToken ct, IReadOnlyDictionary<string, string>? settings = null)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        // Made before the process starts, so the two never migrate a fresh database at the same time.
        var token = await ApplianceProcess.CreateTokenAsync(repoRoot, dataDirectory, label);
        IEnumerable<string> arguments = ["--urls", url, .. (settings ?? new Dictionary<string, string>()).SelectMany(s => new[] { "--" + s.Key, s.Value })];
        var process = ApplianceProcess.Start(repoRoot, networkNamespace, dataDirectory, arguments, url, label);
        var api = new ApplianceApi(new Uri(url + "/"), token);
        try
        {
            await api.WaitHealthyAsync(process, TimeSpan.FromSeconds(60), ct);
        }
        catch
        {
            api.Dispose();
            await process.DisposeAsync();
            throw;
        }
        return new RunningAppliance(process, api, url, token);
    }

    /// <summary>The repository root (where Appliance.sln is) above <paramref name="start"/>, or null.</summary>
    public static string? FindRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Process.DisposeAsync();
    }
}
