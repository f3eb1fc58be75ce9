using Appliance.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddApplianceServices();

var app = builder.Build();
app.UseAppliance();
app.Run();

/// <summary>Entry point; public so integration tests can host the app.</summary>
public partial class Program;
