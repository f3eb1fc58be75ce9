using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Engine.Firmware;
using Appliance.Engine.FirmwareSlots;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Tests.Firmware;

/// <summary>/api/v1/firmware with a fake installer: upload limits, refusals as problem details, one operation at a time.</summary>
public sealed class FirmwareApiTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly FakeRaucInstaller _installer = new();
    private readonly FakeReboot _reboot = new();
    private readonly ApplianceFactory _factory;
    private readonly HttpClient _admin;

    public FirmwareApiTests()
    {
        _factory = new ApplianceFactory
        {
            TestServices = s =>
            {
                s.AddSingleton<IRaucInstaller>(_installer);
                s.AddSingleton<ISystemReboot>(_reboot);
            },
        };
        _factory.Settings["Firmware:MaxBundleBytes"] = "65536";
        _admin = _factory.CreateClient(UserRole.Admin);
    }

    [Fact]
    public async Task Status_shows_the_booted_slot_versions_and_good_or_bad()
    {
        var body = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/firmware", Ct);

        Assert.True(body.GetProperty("available").GetBoolean());
        var installer = body.GetProperty("installer");
        Assert.Equal("A", installer.GetProperty("bootSlot").GetString());
        Assert.Equal("multiwan-appliance-x86_64", installer.GetProperty("compatible").GetString());
        var slots = installer.GetProperty("slots");
        Assert.Equal("1.0.0", slots[0].GetProperty("bundleVersion").GetString());
        Assert.Equal("bad", slots[1].GetProperty("bootStatus").GetString());
    }

    [Fact]
    public async Task Without_an_installer_the_status_says_so()
    {
        _installer.Available = false;

        var body = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/firmware", Ct);

        Assert.False(body.GetProperty("available").GetBoolean());
        Assert.Contains("not running", body.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_good_bundle_is_checked_then_installed_with_progress_and_audited()
    {
        var feed = _factory.Services.GetRequiredService<FirmwareProgressFeed>();
        var steps = new List<FirmwareProgress>();
        using var _ = feed.Subscribe(p => { lock (steps) { steps.Add(p); } });

        using var upload = await UploadAsync(new byte[4096]);
        var check = await upload.ReadJsonAsync(Ct);
        using var install = await _admin.PostAsync("/api/v1/firmware/install", null, Ct);
        await install.ExpectAsync(HttpStatusCode.Accepted, Ct);
        using var busy = await UploadAsync(new byte[16]);
        _installer.InstallResult.SetResult(null);
        await WaitForAsync(() => feed.Latest?.Operation == "installed");

        Assert.Equal("2.0.0", check.GetProperty("version").GetString());
        await busy.ProblemAsync(HttpStatusCode.Conflict, Ct);
        Assert.Single(_installer.Installed);
        Assert.Contains(steps, s => s.Operation == "uploading");
        Assert.Contains(steps, s => s.Operation == "installing" && s.Percent == 100);
        var audit = await _factory.Services.GetRequiredService<IAuditLog>().ListAsync(20, Ct);
        Assert.Contains(audit, a => a.Action == "firmware.upload");
        Assert.Contains(audit, a => a.Action == "firmware.install");
    }

    [Fact]
    public async Task An_unsigned_or_corrupted_bundle_is_refused_with_the_reason_and_nothing_is_installed()
    {
        _installer.Refusal = "the bundle's signature does not verify";

        using var upload = await UploadAsync(new byte[1024]);
        using var install = await _admin.PostAsync("/api/v1/firmware/install", null, Ct);

        var problem = await upload.ProblemAsync(HttpStatusCode.UnprocessableEntity, Ct);
        Assert.Contains("signature does not verify", problem.GetProperty("detail").GetString());
        await install.ProblemAsync(HttpStatusCode.Conflict, Ct);
        Assert.Empty(_installer.Installed);
        Assert.Empty(Directory.GetFiles(Path.Combine(_factory.DataDirectory, "firmware")));
    }

    [Fact]
    public async Task A_bundle_for_another_product_is_refused()
    {
        _installer.Info = new RaucBundleInfo("other-product", "9.9.9");

        using var upload = await UploadAsync(new byte[1024]);

        var problem = await upload.ProblemAsync(HttpStatusCode.UnprocessableEntity, Ct);
        Assert.Contains("'other-product'", problem.GetProperty("detail").GetString());
        Assert.Empty(_installer.Installed);
    }

    [Fact]
    public async Task A_bundle_over_the_size_limit_is_refused_with_413_and_leaves_no_file()
    {
        using var declared = await UploadAsync(new byte[70_000]);
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/api/v1/firmware/bundle")
        {
            Content = new StreamContent(new MemoryStream(new byte[70_000])),
        };
        chunked.Headers.TransferEncodingChunked = true;
        using var streamed = await _admin.SendAsync(chunked, Ct);

        await declared.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, Ct);
        await streamed.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, Ct);
        var staging = Path.Combine(_factory.DataDirectory, "firmware");
        Assert.True(!Directory.Exists(staging) || Directory.GetFiles(staging).Length == 0);
    }

    [Fact]
    public async Task Viewers_and_operators_are_forbidden()
    {
        foreach (var role in new[] { UserRole.Viewer, UserRole.Operator })
        {
            using var client = _factory.CreateClient(role);
            using var status = await client.GetAsync("/api/v1/firmware", Ct);
            using var reboot = await client.PostAsync("/api/v1/firmware/reboot", null, Ct);
            await status.ProblemAsync(HttpStatusCode.Forbidden, Ct);
            await reboot.ProblemAsync(HttpStatusCode.Forbidden, Ct);
        }
        Assert.Equal(0, _reboot.Count);
    }

    [Fact]
    public async Task Reboot_goes_to_login1_and_is_audited()
    {
        using var reboot = await _admin.PostAsync("/api/v1/firmware/reboot", null, Ct);

        await reboot.ExpectAsync(HttpStatusCode.Accepted, Ct);
        Assert.Equal(1, _reboot.Count);
        var audit = await _factory.Services.GetRequiredService<IAuditLog>().ListAsync(20, Ct);
        Assert.Contains(audit, a => a.Action == "firmware.reboot");
    }

    private async Task<HttpResponseMessage> UploadAsync(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await _admin.PostAsync("/api/v1/firmware/bundle?fileName=update.raucb", content, Ct);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25, Ct);
        }
        Assert.True(condition(), "the install did not finish");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _factory.DisposeAsync();
    }

    private sealed class FakeReboot : ISystemReboot
    {
        public int Count { get; private set; }

        public Task RebootAsync(CancellationToken ct)
        {
            Count++;
            return Task.CompletedTask;
        }
    }
}
