using System.Security.Claims;
using AngleSharp.Dom;
using Appliance.Data;
using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Data.Store.Security;
using Appliance.Engine.Configuration;
using Appliance.Web.Live;
using Appliance.Web.Security;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Appliance.Web.Tests.Components.Config;

/// <summary>
/// A config component test: the real configuration stores on a temporary SQLite file, started the way the host
/// starts it, and a <see cref="LiveStatusFeed"/> that hears of running revisions and edits as the status broadcaster would tell it.
/// The signed-in admin is a real user of that database with a real session, and every change re-checks it there.
/// </summary>
public abstract class ConfigComponentTest : ComponentTest, IAsyncLifetime
{
    protected static readonly ChangeContext Tester = new("tester", "tests");

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "appliance-web-ui-tests", Guid.NewGuid().ToString("N"));
    private ServiceProvider? _data;
    private IDisposable? _broadcast;
    private IDisposable? _edits;

    protected static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>The pending configuration as a whole: settings, import, status.</summary>
    protected IConfigStore Store { get; private set; } = null!;
    protected IWanStore WanStore { get; private set; } = null!;
    protected IRuleStore RuleStore { get; private set; } = null!;
    protected IRevisionLog RevisionLog { get; private set; } = null!;
    protected IRunningConfigSource Running { get; private set; } = null!;

    /// <summary>The hub's register of edges, in the same database.</summary>
    protected HubEdgeStore Edges { get; private set; } = null!;

    /// <summary>The users of the test's database; the page's admin is <see cref="AdminName"/>.</summary>
    protected AccountStore Accounts { get; private set; } = null!;

    protected const string AdminName = "admin";
    protected const string AdminPassword = "the-admins-long-password";

    protected LiveStatusFeed Feed { get; } = new();

    /// <summary>The box's ports, learned WAN addressing and LAN leases, as each test sets them.</summary>
    internal FakePortInventory Inventory { get; } = new();
    internal FakeWanAddressSource Addresses { get; } = new();
    internal FakeLanLeaseReader Leases { get; } = new();

    /// <summary>The store's and the components' clock; it moves only when a test advances it.</summary>
    internal ManualClock Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public async ValueTask InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        // Registered before AddApplianceData, whose TryAdd keeps it.
        services.AddSingleton<TimeProvider>(Clock);
        services.AddApplianceData(_directory);
        _data = services.BuildServiceProvider();
        foreach (var hosted in _data.GetServices<IHostedService>())
        {
            await hosted.StartAsync(Ct);
        }
        Store = _data.GetRequiredService<IConfigStore>();
        WanStore = _data.GetRequiredService<IWanStore>();
        RuleStore = _data.GetRequiredService<IRuleStore>();
        RevisionLog = _data.GetRequiredService<IRevisionLog>();
        Running = _data.GetRequiredService<IRunningConfigSource>();
        Edges = _data.GetRequiredService<HubEdgeStore>();
        Services.AddSingleton(Store);
        Services.AddSingleton(WanStore);
        Services.AddSingleton(RuleStore);
        Services.AddSingleton(RevisionLog);
        Services.AddSingleton(Running);
        Services.AddSingleton(_data.GetRequiredService<IAuditLog>());
        Services.AddSingleton(Edges);
        Services.AddSingleton(Feed);
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton<Appliance.Engine.Network.IPortInventory>(Inventory);
        Services.AddSingleton(_data.GetRequiredService<IFactoryReset>());
        Services.AddSingleton<Appliance.Engine.Network.IWanAddressSource>(Addresses);
        Services.AddSingleton<Appliance.Engine.Network.ILanLeaseReader>(Leases);
        Accounts = new AccountStore(_data.GetRequiredService<IDbContextFactory<ApplianceDbContext>>(), new PlainPasswordHashing(), Clock);
        await Accounts.CreateAsync(new NewUser(AdminName, AdminPassword, UserRole.Admin), Tester, Ct);
        var session = await Accounts.SignInAsync(AdminName, AdminPassword, "tests", Ct);
        Authorization.SetClaims(
            new Claim(ClaimTypes.Role, "admin"), new Claim(AppPolicies.KindClaim, AppPolicies.UserKind), new Claim(AppPolicies.StampClaim, session.SecurityStamp!));
        Services.AddSingleton(Accounts);
        Services.AddSingleton(_data.GetRequiredService<ApiTokenStore>());
        Services.AddSingleton<ICallerRoles>(sp => new StoredCallerRoles(sp.GetRequiredService<AccountStore>(), sp.GetRequiredService<ApiTokenStore>()));
        _broadcast = Running.Subscribe(s => Feed.Publish(new ConfigAppliedUpdate(new ConfigAppliedEvent(s.RevisionId, s.AppliedAt))));
        _edits = Store.SubscribeEdits(() => Feed.Publish(new ConfigEditedUpdate()));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        _broadcast?.Dispose();
        _edits?.Dispose();
        Accounts?.Dispose();
        if (_data is not null)
        {
            await _data.DisposeAsync();
        }
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Stands in for the host's PBKDF2 hasher: these tests are about pages, not hashes.</summary>
    private sealed class PlainPasswordHashing : IPasswordHashing
    {
        public string Hash(string password) => "plain:" + password;

        public bool Verify(string hash, string password, out bool rehash)
        {
            rehash = false;
            return hash == "plain:" + password;
        }
    }

    protected static WanLink Wan(string name, string iface, int weight = 1) => new()
    {
        Name = name, Interface = iface, Weight = weight, Gateway = "198.51.100.254",
        Probes = new ProbeSettings { Targets = ["198.51.100.1"] },
    };

    /// <summary>The text around a form field: its label, value and the message shown under it.</summary>
    protected static string FieldText<T>(IRenderedComponent<T> cut, string testId) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.Find($"[data-testid='{testId}']").Closest(".mud-input-control")?.TextContent
        ?? throw new InvalidOperationException($"{testId} is not inside a MudBlazor input");
}
