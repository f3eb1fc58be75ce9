using Appliance.Data;
using Appliance.Data.Entities;
using Appliance.Data.Store;
using Appliance.Data.Store.Security;
using Appliance.Web.Hosting;
using Appliance.Web.Security;
using Microsoft.Extensions.Logging.Console;

namespace Appliance.Web.Cli;

/// <summary>
/// Commands run on the box itself, against the appliance's database, for automation and recovery:
/// <c>token create</c> prints only the new token; <c>user create</c> and <c>user password</c> read the password from stdin;
/// <c>factory-reset --yes</c> returns the configuration to the factory defaults (users and tokens stay).
/// </summary>
public static class ConsoleCommands
{
    public const string Usage = """
        Usage: Appliance.Web token create --name NAME --role admin|operator|viewer [--expires-days N] [--replace] [ASP.NET settings]
               Appliance.Web user create --name NAME --role admin|operator|viewer    (password: first line of stdin)
               Appliance.Web user password --name NAME                               (new password: first line of stdin)
               Appliance.Web factory-reset --yes                                     (configuration back to the factory defaults)
        Token names are unique: --replace revokes the console's token of that name, if any, instead of refusing.
        factory-reset keeps users and tokens; the running appliance runs the new revision once restarted.
        Settings such as --Appliance:DataDirectory=/var/lib/appliance pick the database, as for the appliance itself.
        """;

    public static bool Matches(string[] args) => args.Length > 0 && args[0] is "token" or "user" or "factory-reset";

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        Command command;
        try
        {
            command = Command.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

        var builder = Host.CreateApplicationBuilder(command.Settings.ToArray());
        // stdout carries the answer alone (a token for a script); anything the host logs goes to stderr.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
        var options = builder.Configuration.GetSection(ApplianceOptions.Section).Get<ApplianceOptions>() ?? new ApplianceOptions();
        builder.Services.AddApplianceData(Path.GetFullPath(options.DataDirectory));
        SecurityServiceCollectionExtensions.AddAccounts(builder.Services);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            // Tokens made here belong to the box's owner: they keep their own role whatever becomes of the users.
            var who = new ChangeContext(TokenCreators.Console, "console");
            switch (command.Verb)
            {
                case "token create":
                    var expires = command.ExpiresDays is { } days ? DateTimeOffset.UtcNow.AddDays(days) : (DateTimeOffset?)null;
                    var tokens = host.Services.GetRequiredService<ApiTokenStore>();
                    var created = command.Replace
                        ? await tokens.CreateOrReplaceAsync(new NewApiToken(command.Name, command.Role, expires), who)
                        : await tokens.CreateAsync(new NewApiToken(command.Name, command.Role, expires), who);
                    await stdout.WriteLineAsync(created.Token);
                    break;
                case "user create":
                    await host.Services.GetRequiredService<AccountStore>().CreateAsync(new NewUser(command.Name, await ReadPasswordAsync(stdin), command.Role), who);
                    await stderr.WriteLineAsync($"user {command.Name} created");
                    break;
                case "user password":
                    await host.Services.GetRequiredService<AccountStore>().UpdateAsync(command.Name, new UserUpdate(Password: await ReadPasswordAsync(stdin)), who);
                    await stderr.WriteLineAsync($"password of {command.Name} set; the account is unlocked");
                    break;
                case "factory-reset":
                    var revision = await host.Services.GetRequiredService<IFactoryReset>().ResetAsync(who);
                    // The appliance reads the running revision when it starts; this process is not the one running it.
                    await stderr.WriteLineAsync($"factory configuration applied as revision {revision.Id}; users and tokens kept. " +
                        "The appliance runs it once restarted: systemctl restart appliance");
                    break;
            }
            return 0;
        }
        catch (ConfigValidationException ex)
        {
            await stderr.WriteLineAsync($"{ex.Title} {string.Join("; ", ex.Errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"))}");
            return 2;
        }
        catch (Exception ex) when (ex is ConfigConflictException or ConfigNotFoundException)
        {
            await stderr.WriteLineAsync(ex.Message);
            return 2;
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<string> ReadPasswordAsync(TextReader stdin) =>
        (await stdin.ReadLineAsync())?.TrimEnd('\r') ?? throw new ConfigValidationException(Errors("password", "is required on stdin"), "No password given.");

    private static Engine.Configuration.Validation.ValidationErrors Errors(string path, string message)
    {
        var errors = new Engine.Configuration.Validation.ValidationErrors();
        errors.Add(path, message);
        return errors;
    }

    private sealed record Command(string Verb, string Name, UserRole Role, int? ExpiresDays, bool Replace, IReadOnlyList<string> Settings)
    {
        public static Command Parse(string[] args)
        {
            if (args.Length > 0 && args[0] == "factory-reset")
            {
                return ParseFactoryReset(args);
            }
            if (args.Length < 2 || $"{args[0]} {args[1]}" is not ("token create" or "user create" or "user password"))
            {
                throw new ArgumentException($"unknown command: {string.Join(' ', args.Take(2))}");
            }
            var verb = $"{args[0]} {args[1]}";
            string? name = null;
            UserRole? role = null;
            int? days = null;
            var replace = false;
            var settings = new List<string>();
            for (var i = 2; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--name":
                        name = Value();
                        break;
                    case "--role":
                        var text = Value();
                        role = Enum.TryParse<UserRole>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(text, out _)
                            ? parsed
                            : throw new ArgumentException($"--role must be admin, operator or viewer, not '{text}'");
                        break;
                    case "--expires-days":
                        var d = Value();
                        days = int.TryParse(d, out var n) && n is >= 1 and <= 3650 ? n : throw new ArgumentException($"--expires-days must be 1 to 3650, not '{d}'");
                        break;
                    case "--replace":
                        replace = true;
                        break;
                    default:
                        settings.Add(args[i]);
                        break;
                }
            }
            if (name is null)
            {
                throw new ArgumentException("--name is required");
            }
            if (role is null && verb != "user password")
            {
                throw new ArgumentException("--role is required");
            }
            if ((days is not null || replace) && verb != "token create")
            {
                throw new ArgumentException("--expires-days and --replace are for tokens");
            }
            return new Command(verb, name, role ?? UserRole.Viewer, days, replace, settings);
        }

        /// <summary><c>factory-reset --yes</c>: the flag says the reset is meant, as the API's confirmation does.</summary>
        private static Command ParseFactoryReset(string[] args)
        {
            var settings = args.Skip(1).Where(a => a != "--yes").ToList();
            if (!args.Skip(1).Contains("--yes"))
            {
                throw new ArgumentException("factory-reset replaces the whole configuration: add --yes to confirm");
            }
            return new Command("factory-reset", "", UserRole.Viewer, null, false, settings);
        }
    }
}
