using Appliance.Engine.Supervision;
using Appliance.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Web.Tests.Hosting;

/// <summary>What the host does when a background service fails, without and with the guard.</summary>
public sealed class BackgroundServiceGuardTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Ends as told once the host has started: by throwing, or by running until it is stopped.</summary>
    private sealed class Worker(Func<CancellationToken, Task> body) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken ct) => body(ct);
    }

    private static IHost Build(Func<CancellationToken, Task> body, bool guarded)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHostedService(_ => new Worker(body));
        if (guarded)
        {
            builder.Services.AddSingleton<FatalErrors>();
            builder.Services.AddHostedService<BackgroundServiceGuard>();
        }
        return builder.Build();
    }

    private static async Task<Task> StartAsync(IHost host)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => started.TrySetResult());
        var running = host.RunAsync(TestContext.Current.CancellationToken);
        await started.Task.WaitAsync(Limit, TestContext.Current.CancellationToken);
        return running;
    }

    private static async Task Throw(Exception fault)
    {
        await Task.Yield();
        throw fault;
    }

    [Fact]
    public async Task Without_the_guard_a_throwing_service_stops_the_host_and_RunAsync_returns_as_if_all_were_well()
    {
        // The finding behind the guard (.NET 10): StopHost is the default, and nothing reports the failure upwards.
        using var host = Build(_ => Throw(new InvalidOperationException("bug")), guarded: false);
        var behaviour = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HostOptions>>().Value.BackgroundServiceExceptionBehavior;

        // Returns (the host stopped itself), and without an exception for the program to turn into an exit code.
        await host.RunAsync(TestContext.Current.CancellationToken).WaitAsync(Limit, TestContext.Current.CancellationToken);

        Assert.Equal(BackgroundServiceExceptionBehavior.StopHost, behaviour);
    }

    public static TheoryData<string> Faults() => new("bug", "timeout");

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_service_that_throws_stops_the_host_with_a_non_zero_exit_code(string kind)
    {
        // A command's own timeout arrives as a cancellation that is not the shutdown's.
        Exception fault = kind == "bug" ? new InvalidOperationException("bug") : new TaskCanceledException("A task was canceled.");
        using var host = Build(_ => Throw(fault), guarded: true);
        // Taken before running, as the program does: RunAsync disposes the host's services.
        var fatal = host.Services.GetRequiredService<FatalErrors>();

        await host.RunAsync(TestContext.Current.CancellationToken).WaitAsync(Limit, TestContext.Current.CancellationToken);

        Assert.Equal(FatalErrors.Failed, fatal.ExitCode);
    }

    [Fact]
    public async Task A_host_stopped_from_outside_exits_zero()
    {
        using var host = Build(ct => Task.Delay(Timeout.Infinite, ct), guarded: true);
        var fatal = host.Services.GetRequiredService<FatalErrors>();
        var running = await StartAsync(host);

        await host.StopAsync(TestContext.Current.CancellationToken);
        await running.WaitAsync(Limit, TestContext.Current.CancellationToken);

        Assert.Equal(0, fatal.ExitCode);
    }

    [Fact]
    public async Task A_service_that_finishes_its_work_is_no_failure()
    {
        // The reconciler returns when nftables is unusable: the API and the UI stay up and say why.
        using var host = Build(_ => Task.CompletedTask, guarded: true);
        var fatal = host.Services.GetRequiredService<FatalErrors>();
        var running = await StartAsync(host);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(running.IsCompleted);

        await host.StopAsync(TestContext.Current.CancellationToken);
        await running.WaitAsync(Limit, TestContext.Current.CancellationToken);

        Assert.Equal(0, fatal.ExitCode);
    }
}
