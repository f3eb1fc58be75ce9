using Appliance.Data.Store;
using Appliance.Engine.Firmware;
using Appliance.Engine.FirmwareSlots;
using Appliance.Web.Live;
using Appliance.Web.Tests.Firmware;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using FirmwarePage = Appliance.Web.Components.Pages.Firmware;

namespace Appliance.Web.Tests.Components.Firmware;

/// <summary>The firmware page with a fake installer: slots, live progress from the feed, refusals, reboot confirmation.</summary>
public sealed class FirmwarePageTests : ComponentTest
{
    private readonly FakeRaucInstaller _installer = new();
    private readonly RecordingReboot _reboot = new();
    private readonly LiveStatusFeed _live = new();
    private readonly FirmwareProgressFeed _progress = new();
    private readonly FirmwareService _service;
    private readonly string _staging = Directory.CreateTempSubdirectory("firmware-page-").FullName;

    public FirmwarePageTests()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero));
        _service = new FirmwareService(_installer, _reboot, _progress, Options.Create(new RaucOptions { StagingDirectory = _staging }), time,
            NullLogger<FirmwareService>.Instance);
        Services.AddSingleton<IRaucInstaller>(_installer);
        Services.AddSingleton(_service);
        Services.AddSingleton(_progress);
        Services.AddSingleton(new BootMark());
        Services.AddSingleton(_live);
        Services.AddSingleton<IAuditLog>(new WriteOnlyAuditLog());
    }

    [Fact]
    public void The_slots_show_which_is_booted_its_version_and_good_or_bad()
    {
        var page = Render<FirmwarePage>();

        var slots = page.Find("[data-testid=slots]").TextContent;
        Assert.Contains("rootfs.0", slots);
        Assert.Contains("booted", slots);
        Assert.Contains("1.0.0", slots);
        Assert.Contains("bad", slots);
    }

    [Fact]
    public void Without_an_installer_the_page_says_so()
    {
        _installer.Available = false;

        var page = Render<FirmwarePage>();

        Assert.Contains("No firmware installer", page.Find("[data-testid=unavailable]").TextContent);
    }

    [Fact]
    public void Progress_arrives_from_the_live_feed_without_polling()
    {
        var page = Render<FirmwarePage>();

        _live.Publish(new FirmwareProgressUpdate(new FirmwareProgress(DateTimeOffset.UnixEpoch, "installing", 40, "Copying image to rootfs.1")));

        page.WaitForAssertion(() => Assert.Contains("Copying image to rootfs.1", page.Find("[data-testid=step]").TextContent));
    }

    [Fact]
    public void A_refusal_is_shown_in_the_installers_words()
    {
        var page = Render<FirmwarePage>();

        _live.Publish(new FirmwareProgressUpdate(new FirmwareProgress(DateTimeOffset.UnixEpoch, "failed", 0, "update.raucb was refused", "the bundle's signature does not verify")));

        page.WaitForAssertion(() => Assert.Contains("signature does not verify", page.Find("[data-testid=refusal]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=install]"));
    }

    [Fact]
    public async Task A_checked_bundle_offers_install_and_install_starts_it()
    {
        await _service.UploadAsync(new MemoryStream(new byte[512]), "update.raucb", 512, Xunit.TestContext.Current.CancellationToken);
        var page = Render<FirmwarePage>();

        Assert.Contains("version 2.0.0", page.Find("[data-testid=check]").TextContent);
        await page.Find("[data-testid=install]").ClickAsync(new());

        // The service installs on a worker; wait for it to begin (bounded) rather than race it.
        await _installer.Started.Task.WaitAsync(TimeSpan.FromSeconds(10), Xunit.TestContext.Current.CancellationToken);
        Assert.Single(_installer.Installed);
        _installer.InstallResult.SetResult(null);
    }

    [Fact]
    public async Task Reboot_asks_first()
    {
        var page = Render<FirmwarePage>();

        await page.Find("[data-testid=reboot]").ClickAsync(new());
        Assert.Equal(0, _reboot.Count);
        await page.Find("[data-testid=reboot-confirm]").ClickAsync(new());

        Assert.Equal(1, _reboot.Count);
    }

    [Fact]
    public async Task An_admin_demoted_while_the_page_is_open_can_neither_install_nor_reboot()
    {
        await _service.UploadAsync(new MemoryStream(new byte[512]), "update.raucb", 512, Xunit.TestContext.Current.CancellationToken);
        var page = Render<FirmwarePage>();

        // The store says operator now; the page's claims still say admin.
        CallerRoles.Override = (true, Appliance.Data.Entities.UserRole.Operator);
        await page.Find("[data-testid=install]").ClickAsync(new());
        await page.Find("[data-testid=reboot]").ClickAsync(new());
        await page.Find("[data-testid=reboot-confirm]").ClickAsync(new());

        Assert.Contains("needs the admin role, and yours is now operator", page.Find("[data-testid=error]").TextContent);
        Assert.Empty(_installer.Installed);
        Assert.Equal(0, _reboot.Count);
    }

    // The test framework disposes asynchronously, and bUnit's async path calls Dispose(false): clean up here.
    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        Directory.Delete(_staging, recursive: true);
    }

    /// <summary>An audit log that takes entries and reads none: the page only writes them.</summary>
    private sealed class WriteOnlyAuditLog : IAuditLog
    {
        public Task RecordAsync(ChangeContext who, string action, string target, string details, CancellationToken ct = default) => Task.CompletedTask;

        public Task<IReadOnlyList<AuditEntry>> ListAsync(int limit = 200, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken ct = default) => throw new NotSupportedException();
    }

    private sealed class RecordingReboot : ISystemReboot
    {
        public int Count { get; private set; }

        public Task RebootAsync(CancellationToken ct)
        {
            Count++;
            return Task.CompletedTask;
        }
    }
}
