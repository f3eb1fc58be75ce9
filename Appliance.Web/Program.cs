using Appliance.Engine.Supervision;
using Appliance.Web.Cli;
using Appliance.Web.Hosting;

// On the box: `token create …`, `user create …` and `user password …` work on the database and exit.
if (ConsoleCommands.Matches(args))
{
    return await ConsoleCommands.RunAsync(args, Console.In, Console.Out, Console.Error);
}

// Exit codes: 0 stopped when asked, FatalErrors.Failed (1) a fault it could not carry on from while running,
// ApplianceExitCodes.CouldNotStart (2) it never got going (the database cannot be opened or migrated, a port is taken).
// systemd restarts it after any of them but a stop it asked for itself (Restart=always).
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddApplianceServices();
    builder.AddApplianceSystemd();

    var app = builder.Build();
    app.UseAppliance();
    var fatal = app.Services.GetRequiredService<FatalErrors>();
    await app.RunAsync();
    return fatal.ExitCode;
}
// HostAbortedException is how test hosts end the program once they have its host: not a failure.
catch (Exception ex) when (ex is not HostAbortedException)
{
    // The host has logged a failed start already; this line also covers a failure before logging exists.
    await Console.Error.WriteLineAsync($"The appliance could not run: {ex}");
    return ApplianceExitCodes.CouldNotStart;
}

/// <summary>Entry point; public so integration tests can host the app.</summary>
public partial class Program;
