namespace Appliance.Lab;

/// <summary>Command line of the lab. Every argument but <c>--help</c> is passed on to the appliance (ASP.NET configuration).</summary>
public sealed record LabOptions(string Urls, IReadOnlyList<string> ApplianceArguments, bool ShowHelp)
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public const string Usage = """
        Usage: bash scripts/run.sh [--urls URL] [other ASP.NET settings, e.g. --Logging:LogLevel:Default=Warning]

        Builds a site in network namespaces (LAN, appliance, three ISPs shaped to 50/20/10 Mbit/s, internet),
        runs the appliance against it with its web UI and API on the host (default http://127.0.0.1:5080),
        seeds a configuration when the lab database (data/lab) has none, and drives traffic until Ctrl-C.
        Needs root. Arguments are passed on to the appliance.
        """;

    public static LabOptions Parse(IReadOnlyList<string> args)
    {
        var urls = DefaultUrls;
        var passThrough = new List<string>();
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                help = true;
                continue;
            }
            if (arg == "--urls" && i + 1 < args.Count)
            {
                urls = args[i + 1];
            }
            else if (arg.StartsWith("--urls=", StringComparison.Ordinal))
            {
                urls = arg["--urls=".Length..];
            }
            passThrough.Add(arg);
        }
        return new LabOptions(urls, passThrough, help);
    }

    /// <summary>Where the lab itself reaches the API: the first URL, with a wildcard host replaced by loopback.</summary>
    public Uri ApiBase
    {
        get
        {
            var first = Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? DefaultUrls;
            foreach (var wildcard in new[] { "://*", "://+", "://0.0.0.0", "://[::]" })
            {
                first = first.Replace(wildcard, "://127.0.0.1", StringComparison.Ordinal);
            }
            return new Uri(first.TrimEnd('/') + "/");
        }
    }
}
