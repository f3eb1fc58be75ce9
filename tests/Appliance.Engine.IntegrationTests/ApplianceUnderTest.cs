using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Engine.Configuration;
using Appliance.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Engine.IntegrationTests;

/// <summary>The real appliance host (same services and engine as production), its engine driving the lab's appliance namespace.</summary>
public sealed class ApplianceUnderTest : WebApplicationFactory<Program>
{
    private readonly string _dataDirectory;
    private readonly string _namespace;
    private readonly IReadOnlyDictionary<string, string>? _settings;

    /// <param name="ns">The namespace the engine drives: the lab's appliance by default, the hub's for a hub.</param>
    /// <param name="settings">Host settings on top of the lab's (e.g. <c>Appliance:Engine:Bonding:KeepAliveIdleSeconds</c>).</param>
    public ApplianceUnderTest(NetnsLab lab, string? dataDirectory = null, string? ns = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        _namespace = ns ?? lab.Appliance;
        _settings = settings;
        _dataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("appliance-it-").FullName;
        Api = CreateClient();
        // Every API call needs credentials: an admin token from the app's own store, as the console command makes one
        // (replacing the one an earlier host on the same data directory made: token names are unique).
        Token = Services.GetRequiredService<Appliance.Data.Store.Security.ApiTokenStore>()
            .CreateOrReplaceAsync(new Appliance.Data.Store.Security.NewApiToken("integration-tests", Appliance.Data.Entities.UserRole.Admin), Appliance.Data.Store.ChangeContext.System)
            .GetAwaiter().GetResult().Token;
        Api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
    }

    public HttpClient Api { get; }

    /// <summary>The admin token <see cref="Api"/> sends (for other clients, such as SignalR's).</summary>
    public string Token { get; }
    public string DataDirectory => _dataDirectory;

    /// <summary>
    /// Beside the data directory, which only its owner may enter: dnsmasq rereads its servers file after dropping to
    /// an unprivileged user. Kept with the data (a restart test sees the leases again, as /run survives an engine restart).
    /// </summary>
    public string RuntimeDirectory => Path.Combine(Path.GetTempPath(), "appliance-run-" + Path.GetFileName(_dataDirectory.TrimEnd('/')));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Appliance:DataDirectory", _dataDirectory);
        builder.UseSetting("Appliance:Engine:NetworkNamespace", _namespace);
        builder.UseSetting("Appliance:Engine:LinkPollMilliseconds", "200");
        // Daemons' files (the LAN's dnsmasq leases among them) belong to this appliance, not to whatever ran before.
        builder.UseSetting("Appliance:Engine:RuntimeDirectory", RuntimeDirectory);
        // The lab's internet answers with TEST-NET addresses, which dnsmasq takes for a rebinding attack.
        builder.UseSetting("Appliance:Engine:DnsRebindProtection", "false");
        // Each test configures the appliance itself: no factory configuration on a fresh database.
        builder.UseSetting("Appliance:Factory:FirstBoot", "false");
        foreach (var (key, value) in _settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }

    public static WanLink Wan(LabWan wan, int weight = 1, int tier = 1, bool enabled = true) => new()
    {
        Name = $"wan{wan.Index}", Interface = wan.Interface, Gateway = wan.Gateway.ToString(), Weight = weight, Tier = tier, Enabled = enabled,
    };

    /// <summary>A WAN probed with ICMP to the lab's internet server, with the default (about one second) timing.</summary>
    public static WanLink ProbedWan(LabWan wan, int weight = 1, int tier = 1, FailbackPolicy failback = FailbackPolicy.Keep) =>
        Wan(wan, weight, tier) with { Failback = failback, Probes = new ProbeSettings { Targets = [LabAddresses.Server.ToString()] } };

    /// <summary>The live status of one WAN.</summary>
    public async Task<JsonElement> WanStatusAsync(string name)
    {
        var status = await Api.GetFromJsonAsync<JsonElement>("/api/v1/status");
        return status.GetProperty("wans").EnumerateArray().Single(w => w.GetProperty("name").GetString() == name);
    }

    /// <summary>Polls (bounded) until a WAN's live state satisfies <paramref name="condition"/>.</summary>
    public async Task<JsonElement> WaitForWanAsync(string name, Func<JsonElement, bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        JsonElement wan = default;
        while (DateTime.UtcNow < deadline)
        {
            wan = await WanStatusAsync(name);
            if (condition(wan))
            {
                return wan;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"WAN {name} did not reach the expected state within {limit}; last: {wan}");
    }

    /// <summary>Polls (bounded) until the bonding status satisfies <paramref name="condition"/>.</summary>
    public async Task<JsonElement> WaitForBondingAsync(Func<JsonElement, bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        JsonElement bonding = default;
        while (DateTime.UtcNow < deadline)
        {
            var status = await Api.GetFromJsonAsync<JsonElement>("/api/v1/status");
            if (status.TryGetProperty("bonding", out bonding) && bonding.ValueKind == JsonValueKind.Object && condition(bonding))
            {
                return bonding;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"bonding did not reach the expected state within {limit}; last: {bonding}");
    }

    public static ApplianceSettings LabSettings => new()
    {
        Lan = new LanSettings { Interfaces = ["lan0"], Addresses = [LabAddresses.ApplianceLan + "/24"] },
    };

    /// <summary>Posts WANs, rules and settings, applies, and waits until the engine runs that revision with the expected usable WANs.</summary>
    public async Task<long> ConfigureAsync(IEnumerable<WanLink> wans, IEnumerable<Rule>? rules = null, ApplianceSettings? settings = null, int usable = -1, IEnumerable<PortConfig>? ports = null)
    {
        var list = wans.ToList();
        var config = new ApplianceConfig { Ports = (ports ?? []).ToList(), Wans = list, Rules = (rules ?? []).ToList(), Settings = settings ?? LabSettings };
        await Ensure(await Api.PostAsJsonAsync("/api/v1/config/import", config, ConfigJson.Options));
        return await ApplyAsync(usable < 0 ? list.Count(w => w.Enabled) : usable);
    }

    public async Task<long> ApplyAsync(int usable)
    {
        var response = await Ensure(await Api.PostAsJsonAsync("/api/v1/config/apply", new { comment = "test" }, ConfigJson.Options));
        var revision = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        await WaitForEngineAsync(revision, usable);
        return revision;
    }

    /// <summary>Waits (bounded) until the engine reports the revision applied with <paramref name="usable"/> usable WANs.</summary>
    public async Task<JsonElement> WaitForEngineAsync(long revision, int usable, TimeSpan? limit = null)
    {
        // Generous: it times nothing, and applying takes several processes (nft, ip) that a busy machine runs slowly.
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        JsonElement status = default;
        while (DateTime.UtcNow < deadline)
        {
            status = await Api.GetFromJsonAsync<JsonElement>("/api/v1/status");
            if (status.GetProperty("running").GetBoolean() && status.GetProperty("revisionId").GetInt64() == revision &&
                status.GetProperty("wans").EnumerateArray().Count(w => w.GetProperty("usable").GetBoolean()) == usable)
            {
                return status;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"engine did not settle on revision {revision} with {usable} usable WANs; last status: {status}");
    }

    private static async Task<HttpResponseMessage> Ensure(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return response;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Api.Dispose();
        }
    }

    /// <summary>Deletes the data directory; separate from Dispose so a restart test can reuse it.</summary>
    public void DeleteData()
    {
        if (Directory.Exists(RuntimeDirectory))
        {
            Directory.Delete(RuntimeDirectory, recursive: true);
        }
        // A background writer still finishing its shutdown may add a file while the folder is removed: try again, bounded.
        for (var attempt = 1; Directory.Exists(_dataDirectory); attempt++)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException) when (attempt < 20)
            {
                Thread.Sleep(250);
            }
        }
    }
}
