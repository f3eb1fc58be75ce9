using System.Data.Common;
using Appliance.Data.Store;
using Appliance.Engine.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Data.Tests;

/// <summary>
/// A real SQLite file in a temporary directory, a virtual clock, and the data services started the way the
/// host starts them (every hosted service: migrations, WAL, loading the running revision).
/// <see cref="RestartAsync"/> stops the services and starts a new provider over the same file and clock.
/// </summary>
public sealed class StoreFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private StoreFixture(string directory, FakeTimeProvider time, Action<IServiceCollection>? configure)
    {
        Directory = directory;
        Time = time;
        _configure = configure;
    }

    private readonly Action<IServiceCollection>? _configure;

    /// <summary>Makes the store's next transaction commit fail, as a full disk or an I/O error would.</summary>
    public CommitFaultInjector Faults { get; } = new();

    public string Directory { get; }
    public FakeTimeProvider Time { get; }
    public ServiceProvider Services { get; private set; } = null!;
    /// <summary>The pending configuration as a whole: settings, import, status, edit notifications.</summary>
    public IConfigStore Store => Services.GetRequiredService<IConfigStore>();
    public IWanStore Wans => Services.GetRequiredService<IWanStore>();
    public IRuleStore Rules => Services.GetRequiredService<IRuleStore>();
    public IRevisionLog Revisions => Services.GetRequiredService<IRevisionLog>();
    /// <summary>What the engine sees.</summary>
    public IRunningConfigSource Running => Services.GetRequiredService<IRunningConfigSource>();
    public IAuditLog Audit => Services.GetRequiredService<IAuditLog>();

    /// <param name="time">A virtual clock of the test's own (one that misbehaves on purpose, say); a plain one at <see cref="Epoch"/> by default.</param>
    /// <param name="configure">Options or services of the test's own, e.g. a small audit bound.</param>
    /// <param name="directory">A data directory the test prepared (an older database, say); a new empty one by default. It is deleted on dispose.</param>
    public static async Task<StoreFixture> StartAsync(
        CancellationToken ct, FakeTimeProvider? time = null, Action<IServiceCollection>? configure = null, string? directory = null)
    {
        directory ??= NewDirectory();
        var fixture = new StoreFixture(directory, time ?? new FakeTimeProvider(Epoch), configure);
        try
        {
            fixture.Services = await StartServicesAsync(directory, fixture.Time, fixture.Faults, configure, ct);
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }
        return fixture;
    }

    /// <summary>
    /// Simulates a reboot: the old store is stopped and disposed, the virtual clock moves on by
    /// <paramref name="downtime"/> while nothing runs, and a new store loads the same file.
    /// </summary>
    public async Task RestartAsync(CancellationToken ct, TimeSpan downtime = default)
    {
        await StopServicesAsync(Services);
        Services = null!;
        if (downtime > TimeSpan.Zero)
        {
            Time.Advance(downtime);
        }
        Services = await StartServicesAsync(Directory, Time, Faults, _configure, ct);
    }

    /// <summary>A fresh directory under the temporary directory, not created yet.</summary>
    public static string NewDirectory() => Path.Combine(Path.GetTempPath(), "appliance-data-tests", Guid.NewGuid().ToString("N"));

    public async Task<ApplianceDbContext> CreateDbContextAsync(CancellationToken ct) =>
        await Services.GetRequiredService<IDbContextFactory<ApplianceDbContext>>().CreateDbContextAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (Services is not null)
        {
            await StopServicesAsync(Services);
        }
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static async Task<ServiceProvider> StartServicesAsync(
        string directory, FakeTimeProvider time, CommitFaultInjector faults, Action<IServiceCollection>? configure, CancellationToken ct)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        // Registered before AddApplianceData, whose TryAdd keeps it.
        services.AddSingleton<TimeProvider>(time);
        services.AddApplianceData(directory);
        services.ConfigureDbContext<ApplianceDbContext>(o => o.AddInterceptors(faults));
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            foreach (var hosted in provider.GetServices<IHostedService>())
            {
                await hosted.StartAsync(ct);
            }
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
        return provider;
    }

    private static async Task StopServicesAsync(ServiceProvider provider)
    {
        foreach (var hosted in provider.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
        await provider.DisposeAsync();
    }
}

/// <summary>Fails, or holds, the next transaction commit once armed; otherwise stays out of the way.</summary>
public sealed class CommitFaultInjector : DbTransactionInterceptor
{
    private int _armed;
    private int _failed;
    private CommitHold? _hold;

    public void FailNextCommit() => Interlocked.Exchange(ref _armed, 1);

    /// <summary>The next <paramref name="count"/> commits fail (a database that stays busy or full for a while).</summary>
    public void FailNextCommits(int count) => Interlocked.Exchange(ref _armed, count);

    /// <summary>Commits failed on purpose so far.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>The next async commit waits, mid-write, until the test releases it: a slow disk.</summary>
    public CommitHold HoldNextCommit() => _hold = new CommitHold();

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (TakeFailure())
        {
            throw new InvalidOperationException("Injected commit failure (disk full).");
        }
        if (Interlocked.Exchange(ref _hold, null) is { } hold)
        {
            hold.Reached.TrySetResult();
            await hold.Release.Task.WaitAsync(Eventually.Limit, cancellationToken);
        }
        return await base.TransactionCommittingAsync(transaction, eventData, result, cancellationToken);
    }

    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) =>
        TakeFailure()
            ? throw new InvalidOperationException("Injected commit failure (disk full).")
            : base.TransactionCommitting(transaction, eventData, result);

    private bool TakeFailure()
    {
        while (Volatile.Read(ref _armed) is var armed && armed > 0)
        {
            if (Interlocked.CompareExchange(ref _armed, armed - 1, armed) == armed)
            {
                Interlocked.Increment(ref _failed);
                return true;
            }
        }
        return false;
    }
}

public sealed class CommitHold
{
    /// <summary>Completes when a commit has reached the hold.</summary>
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Complete it to let the commit go on (it goes on by itself after <see cref="Eventually.Limit"/>, failing).</summary>
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Bounded waits for work that finishes on another thread (e.g. a timer callback).</summary>
public static class Eventually
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"Timed out after {Limit.TotalSeconds:0} s waiting for {what}.");
            }
            // A real-time poll: the virtual clock only decides when the callback starts, not how long it runs.
            await Task.Delay(Poll, CancellationToken.None);
        }
    }
}

/// <summary>Test data. Addresses come only from documentation and benchmarking ranges.</summary>
public static class Samples
{
    public static readonly ChangeContext Admin = new("admin", "198.51.100.7");
    public static readonly ChangeContext Operator = new("operator", "203.0.113.9");

    public static WanLink Wan(string name, string iface, int weight = 1, WanMode mode = WanMode.Balance, int tier = 1, string gateway = "dhcp", bool enabled = true) =>
        new()
        {
            Name = name, Interface = iface, Mode = mode, Weight = weight, Tier = tier, Gateway = gateway, Enabled = enabled,
            Probes = new ProbeSettings { Targets = ["198.51.100.1"] },
        };

    /// <summary>A configuration that exercises every mode, probe kind, rule action and settings section.</summary>
    public static ApplianceConfig Rich() => new()
    {
        Wans =
        [
            new WanLink
            {
                Name = "dsl", Interface = "eth1", Mode = WanMode.Balance, Weight = 3, Tier = 1, Gateway = "198.51.100.254",
                Failback = FailbackPolicy.Move,
                Probes = new ProbeSettings
                {
                    Method = ProbeMethod.Icmp,
                    Targets = ["198.51.100.1", "tcp://203.0.113.5:443", "dns://198.51.100.53/example.com", "https://203.0.113.80/health"],
                    IntervalMs = 300, TimeoutMs = 700, DownCount = 4, UpCount = 6, Quorum = 2,
                    DegradedLossPercent = 12.5, DegradedLatencyMs = 400, DownLossPercent = 55, DownLatencyMs = 1500,
                    RecoverLossPercent = 7.5, RecoverLatencyMs = 250,
                },
            },
            new WanLink
            {
                Name = "cable", Interface = "eth2", Mode = WanMode.Bond, Weight = 5, Tier = 1, Gateway = "dhcp",
                Probes = new ProbeSettings { Method = ProbeMethod.Tcp, Targets = ["203.0.113.5", "tcp://198.51.100.9:8443"] },
            },
            new WanLink
            {
                Name = "lte", Interface = "wwan0", Mode = WanMode.Backup, Weight = 1, Tier = 3, Gateway = "203.0.113.1",
                Probes = new ProbeSettings { Method = ProbeMethod.Http, Targets = ["https://203.0.113.80/health", "http://198.18.0.80/ping?x=1"] },
            },
            new WanLink
            {
                Name = "spare", Interface = "eth0.100", Mode = WanMode.Balance, Weight = 1000, Tier = 9, Gateway = "198.19.255.1",
                Enabled = false,
                Probes = new ProbeSettings { Method = ProbeMethod.Dns, Targets = ["dns://198.51.100.53/example.com", "198.18.0.53"] },
            },
        ],
        Rules =
        [
            new Rule
            {
                Id = 1, Description = "voip pinned to dsl", Protocol = RuleProtocol.Udp, Source = "198.18.4.0/24",
                Destination = "203.0.113.0/24", DestinationPorts = "5060,10000-20000", Action = RuleAction.Pin, Wan = "dsl", Strict = true,
            },
            new Rule
            {
                Id = 2, Description = "bulk bonded", Protocol = RuleProtocol.Tcp, Destination = "198.51.100.0/24",
                DestinationPorts = "443,8000-8100", Action = RuleAction.Bond,
            },
            new Rule
            {
                Id = 3, Description = "banking sticky", Protocol = RuleProtocol.Any, Source = "198.18.0.0/15",
                Action = RuleAction.Balance, Sticky = StickyMode.SourceDestination,
            },
            new Rule
            {
                Id = 4, Description = "disabled host rule", Enabled = false, Protocol = RuleProtocol.Icmp, Source = "192.0.2.10",
                Action = RuleAction.Pin, Wan = "lte",
            },
        ],
        Settings = new ApplianceSettings
        {
            Role = ApplianceRole.Edge,
            Lan = new LanSettings { Interfaces = ["lan0", "lan1"], Addresses = ["192.0.2.1/24", "198.18.4.1/24"] },
            Hub = new HubPeerSettings { Address = "203.0.113.200", Port = 7444, EdgeId = "branch-7", Key = "0123456789abcdef-shared-key" },
            Listen = new HubListenSettings { Address = "198.51.100.2", Port = 7445 },
        },
    };
}
