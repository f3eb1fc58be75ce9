using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Engine.Configuration;
using Appliance.Engine.Status;

namespace Appliance.Testing;

/// <summary>The lab's REST client of the appliance: waits for it, seeds a configuration, reads the live status.</summary>
/// <param name="token">An admin API token (the lab makes one with the appliance's console command).</param>
public sealed class ApplianceApi(Uri baseAddress, string token) : IDisposable
{
    private readonly HttpClient _http = new()
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(10),
        DefaultRequestHeaders = { Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token) },
    };

    public Uri BaseAddress => baseAddress;

    /// <summary>Polls /healthz until it answers 200, the process dies, or <paramref name="limit"/> passes.</summary>
    public async Task WaitHealthyAsync(ApplianceProcess process, TimeSpan limit, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + limit;
        string last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new LabException($"the appliance exited with code {process.ExitCode} before answering on {baseAddress} (is the port already in use?)");
            }
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                using var response = await _http.GetAsync("healthz", attempt.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                last = ex.Message;
            }
            await Task.Delay(250, ct);
        }
        throw new LabException($"the appliance did not answer {baseAddress}healthz within {limit.TotalSeconds:0} s ({last})");
    }

    public async Task<IReadOnlyList<WanLink>> ListWansAsync(CancellationToken ct) =>
        await _http.GetFromJsonAsync<List<WanLink>>("api/v1/wans", ConfigJson.Options, ct) ?? [];

    /// <summary>Replaces the pending configuration and applies it; returns the new revision's id.</summary>
    public async Task<long> ImportAndApplyAsync(ApplianceConfig config, string comment, CancellationToken ct)
    {
        using var imported = await EnsureAsync(await _http.PostAsJsonAsync("api/v1/config/import", config, ConfigJson.Options, ct), "import", ct);
        using var response = await EnsureAsync(await _http.PostAsJsonAsync("api/v1/config/apply", new { comment }, ConfigJson.Options, ct), "apply", ct);
        var revision = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return revision.GetProperty("id").GetInt64();
    }

    /// <summary>True once any configuration has been applied (a first run's database has no revision).</summary>
    /// <summary>The pending configuration as one document.</summary>
    public async Task<ApplianceConfig> ExportAsync(CancellationToken ct) =>
        await _http.GetFromJsonAsync<ApplianceConfig>("api/v1/config/export", ConfigJson.Options, ct)
        ?? throw new InvalidOperationException("the export was empty");

    public async Task<bool> HasRevisionsAsync(CancellationToken ct) =>
        (await _http.GetFromJsonAsync<JsonElement>("api/v1/config/revisions", ct)).GetArrayLength() > 0;

    /// <summary>Hub role: registers an edge unless one with this id is registered already; true when it registered it.</summary>
    public async Task<bool> EnsureHubEdgeAsync(string id, string key, CancellationToken ct)
    {
        using (var existing = await _http.GetAsync($"api/v1/hub/edges/{id}", ct))
        {
            if (existing.IsSuccessStatusCode)
            {
                return false;
            }
        }
        using var created = await EnsureAsync(await _http.PostAsJsonAsync("api/v1/hub/edges", new { id, key, description = "the lab's appliance" }, ConfigJson.Options, ct), "registering the lab edge", ct);
        return true;
    }

    /// <summary>Polls (bounded) until the status satisfies <paramref name="condition"/>; returns it, or throws with the last one seen.</summary>
    public async Task<EngineStatus> WaitForStatusAsync(Func<EngineStatus, bool> condition, TimeSpan limit, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + limit;
        var status = await GetStatusAsync(ct);
        while (!condition(status))
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"the appliance at {baseAddress} did not reach the expected state within {limit}; last: {JsonSerializer.Serialize(status, ConfigJson.Options)}");
            }
            await Task.Delay(200, ct);
            status = await GetStatusAsync(ct);
        }
        return status;
    }

    public async Task<EngineStatus> GetStatusAsync(CancellationToken ct) =>
        await _http.GetFromJsonAsync<EngineStatus>("api/v1/status", ConfigJson.Options, ct)
        ?? throw new LabException("/api/v1/status returned nothing");

    /// <summary>Waits (bounded) until the engine runs a revision (a given one, or any); returns the last status seen.</summary>
    public async Task<EngineStatus> WaitRunningAsync(long? revision, TimeSpan limit, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + limit;
        EngineStatus status = EngineStatus.NotRunning("no status yet");
        while (DateTime.UtcNow < deadline)
        {
            status = await GetStatusAsync(ct);
            if (status.Running && (revision is null || status.RevisionId == revision))
            {
                return status;
            }
            await Task.Delay(200, ct);
        }
        return status;
    }

    private static async Task<HttpResponseMessage> EnsureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            response.Dispose();
            throw new LabException($"{what} failed with HTTP {(int)response.StatusCode}: {body}");
        }
        return response;
    }

    /// <summary>
    /// Revokes the tokens earlier lab runs made under <paramref name="name"/> (a Ctrl-C stops the appliance before the
    /// lab could revoke its own), so runs do not pile up valid admin tokens; this run's stays.
    /// </summary>
    public async Task RevokeEarlierTokensAsync(string name, CancellationToken ct)
    {
        var tokens = await _http.GetFromJsonAsync<JsonElement>("api/v1/tokens", ct);
        var ours = token[..8];
        foreach (var t in tokens.EnumerateArray().Where(t => t.GetProperty("name").GetString() == name && t.GetProperty("prefix").GetString() != ours
                     && t.GetProperty("revokedAt").ValueKind == JsonValueKind.Null))
        {
            using var _ = await _http.DeleteAsync($"api/v1/tokens/{t.GetProperty("id").GetInt32()}", ct);
        }
    }

    public void Dispose() => _http.Dispose();
}
