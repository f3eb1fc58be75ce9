using Appliance.Web.Cli;
using Appliance.Web.Hosting;

// On the box: `token create …`, `user create …` and `user password …` work on the database and exit.
if (ConsoleCommands.Matches(args))
{
    return await ConsoleCommands.RunAsync(args, Console.In, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddApplianceServices();
builder.AddApplianceSystemd();

var app = builder.Build();
app.UseAppliance();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so integration tests can host the app.</summary>
public partial class Program;
