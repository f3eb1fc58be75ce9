using System.Text.Json;
using Appliance.Engine.Kernel;

namespace Appliance.Engine.Tests.Kernel;

/// <summary>An in-memory kernel behind the command seam: nft table, routes, rules and sysctls, dumped as text.</summary>
internal sealed class FakeKernel : ICommandRunner
{
    private readonly SortedDictionary<(int Table, string Dst), (string? Via, string Dev, string Type)> _routes = new();
    // In the kernel's order (priority, then insertion), each as "ip -N -j rule show" prints it.
    private readonly List<Dictionary<string, object?>> _rules = [];
    private readonly SortedDictionary<int, (string Address, string Dev, string Flags)> _endpoints = new();
    private string _limits = "add_addr_accepted 0 subflows 2";
    private readonly SortedDictionary<string, string> _sysctls = new(StringComparer.Ordinal);
    // The engine's loops call it from several threads at once, as they do the real kernel.
    private readonly Lock _gate = new();

    public FakeKernel()
    {
        // State that belongs to others and must survive every apply.
        _routes[(254, "default")] = ("198.51.100.254", "eth0", "unicast");
        _endpoints[1] = ("198.51.100.7", "eth0", "signal");
        AddRule(new() { ["priority"] = 0, ["src"] = "all", ["table"] = "255" });
        AddRule(new() { ["priority"] = 32766, ["src"] = "all", ["table"] = "254" });
    }

    public string? Ruleset { get; private set; }

    private readonly Dictionary<string, bool> _links = new(StringComparer.Ordinal);

    /// <summary>Adds an interface to what <c>ip -j link show</c> lists, or changes whether it has carrier.</summary>
    public void SetLink(string name, bool carrier)
    {
        lock (_gate)
        {
            _links[name] = carrier;
        }
    }
    public List<string> Mutations { get; } = [];
    public Func<string, IReadOnlyList<string>, string?, bool> FailWhen { get; set; } = (_, _, _) => false;

    /// <summary>The state as text; sysctls only on request, because they are set but never reverted (their old value is unknown).</summary>
    public string Dump(bool withSysctls = true) =>
        $"nft:\n{Ruleset}\nroutes:\n{string.Join('\n', _routes.Select(r => $"{r.Key.Table} {(r.Value.Type == "unicast" ? "" : r.Value.Type + " ")}{r.Key.Dst} {r.Value.Via} {r.Value.Dev}"))}\n" +
        $"rules:\n{string.Join('\n', _rules.Select(Describe).Order(StringComparer.Ordinal))}\n" +
        $"mptcp endpoints:\n{string.Join('\n', _endpoints.Select(e => $"{e.Key} {e.Value.Address} {e.Value.Dev} {e.Value.Flags}"))}\n" +
        // MPTCP limits are global like sysctls: set when bonding, left as they are afterwards.
        (withSysctls ? $"sysctls:\n{string.Join('\n', _sysctls.Select(s => $"{s.Key}={s.Value}"))}\nmptcp limits: {_limits}\n" : "");

    public string? Sysctl(string key) => _sysctls.GetValueOrDefault(key);

    public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> a, string? stdin = null, CancellationToken ct = default)
    {
        var line = $"{program} {string.Join(' ', a)}";
        lock (_gate)
        {
            if (FailWhen(program, a, stdin))
            {
                return Task.FromResult(new CommandResult(1, "", $"injected failure: {line}"));
            }
            return Task.FromResult(program switch
            {
                "nft" => Nft(a, stdin, line),
                "sysctl" => Sysctl(a, line),
                "ip" => Ip(a, line),
                "conntrack" when a is ["-D", "--mark", var mark] => Flush(mark, line),
                // No sessions: the telemetry sampler's listing.
                "conntrack" when a is ["-L"] => Ok(),
                _ => new CommandResult(127, "", $"unknown program {program}"),
            });
        }
    }

    private CommandResult Nft(IReadOnlyList<string> a, string? stdin, string line)
    {
        switch (a)
        {
            case ["-c", "-f", "-"]:
                return Ok();
            case ["-f", "-"]:
                Ruleset = stdin;
                Mutations.Add(line);
                return Ok();
            case ["list", "table", ..]:
                return Ruleset is null ? new CommandResult(1, "", "No such file or directory") : Ok(Ruleset);
            case ["list", "tables"]:
                return Ok();
            case ["-j", "list", "counters", ..]:
                return Ruleset is null ? new CommandResult(1, "", "No such file or directory") : Ok("""{"nftables": [{"metainfo": {}}]}""");
            default:
                return new CommandResult(1, "", "unsupported nft call");
        }
    }

    private CommandResult Sysctl(IReadOnlyList<string> a, string line)
    {
        if (a is ["-n", ..])
        {
            var keys = a.Skip(1).ToList();
            // Like sysctl: unknown keys fail the call, known ones print one value per line.
            return keys.All(_sysctls.ContainsKey)
                ? Ok(string.Concat(keys.Select(k => _sysctls[k] + "\n")))
                : new CommandResult(255, "", "unknown key");
        }
        if (a is ["-q", "-w", var assignment])
        {
            var eq = assignment.IndexOf('=', StringComparison.Ordinal);
            _sysctls[assignment[..eq]] = assignment[(eq + 1)..];
            Mutations.Add(line);
            return Ok();
        }
        return new CommandResult(1, "", "unsupported sysctl call");
    }

    private CommandResult Ip(IReadOnlyList<string> a, string line)
    {
        switch (a)
        {
            case ["-j", "-4", "route", "show", "table", "all"]:
                return Ok(JsonSerializer.Serialize(_routes.Select(r => new Dictionary<string, string?>
                {
                    ["type"] = r.Value.Type == "unicast" ? null : r.Value.Type,
                    ["dst"] = r.Key.Dst, ["gateway"] = r.Value.Via, ["dev"] = r.Value.Dev, ["table"] = r.Key.Table == 254 ? "main" : r.Key.Table.ToString(),
                }.Where(kv => kv.Value is not null).ToDictionary())));
            case ["-N", "-j", "-4", "rule", "show"]:
                return Ok(JsonSerializer.Serialize(_rules));
            case ["-j", "link", "show"]:
                return Ok(JsonSerializer.Serialize(_links.Select(l => new Dictionary<string, object>
                {
                    ["ifname"] = l.Key, ["flags"] = l.Value ? new[] { "BROADCAST", "UP", "LOWER_UP" } : ["BROADCAST", "UP"],
                })));
            case ["-j", "-4", "route", "show", "default"]:
                return Ok("[]");
            case ["-j", "-4", "addr", "show", "scope", "global"]:
                return Ok("[]");
            case ["route", "replace", var dst, "via", var via, "dev", var dev, "table", var table, "onlink"]:
                _routes[(int.Parse(table), dst)] = (via, dev, "unicast");
                Mutations.Add(line);
                return Ok();
            case ["route", "replace", "local", var dst, "dev", var dev, "table", var table]:
                _routes[(int.Parse(table), dst)] = (null, dev, "local");
                Mutations.Add(line);
                return Ok();
            case ["route", "del", var dst, "table", var table]:
                Mutations.Add(line);
                return _routes.Remove((int.Parse(table), dst)) ? Ok() : new CommandResult(2, "", "RTNETLINK answers: No such process");
            case ["route", "del", "local", var dst, "table", var table]:
                Mutations.Add(line);
                return _routes.Remove((int.Parse(table), dst)) ? Ok() : new CommandResult(2, "", "RTNETLINK answers: No such process");
            case ["rule", "add", ..]:
                Mutations.Add(line);
                var added = ParseRule(a.Skip(2).ToList());
                if (added is null)
                {
                    return new CommandResult(1, "", $"unsupported rule: {line}");
                }
                if (_rules.Any(r => Same(r, added)))
                {
                    return new CommandResult(2, "", "RTNETLINK answers: File exists");
                }
                AddRule(added);
                return Ok();
            case ["rule", "del", ..]:
                Mutations.Add(line);
                // Like the kernel: the first rule that has every selector given; what is not given matches anything.
                var selectors = ParseRule(a.Skip(2).ToList());
                var victim = selectors is null ? null : _rules.FirstOrDefault(r => selectors.All(kv => kv.Key == "src" && Equals(kv.Value, "all") || Equals(Normal(r.GetValueOrDefault(kv.Key)), Normal(kv.Value))));
                return victim is not null && _rules.Remove(victim) ? Ok() : new CommandResult(2, "", "RTNETLINK answers: No such file or directory");
            case ["mptcp", "limits", "show"]:
                return Ok(_limits + " \n");
            case ["mptcp", "limits", "set", "subflows", var subflows, "add_addr_accepted", var accepted]:
                _limits = $"add_addr_accepted {accepted} subflows {subflows}";
                Mutations.Add(line);
                return Ok();
            case ["-j", "mptcp", "endpoint", "show"]:
                return Ok(JsonSerializer.Serialize(_endpoints.Select(e =>
                    new Dictionary<string, object> { ["address"] = e.Value.Address, ["id"] = e.Key, ["dev"] = e.Value.Dev }
                        .Concat(e.Value.Flags.Split(' ').Select(f => KeyValuePair.Create(f, (object)true))).ToDictionary())));
            case ["mptcp", "endpoint", "add", string address, "dev", string dev, "id", string id, ..]:
                Mutations.Add(line);
                if (_endpoints.ContainsKey(int.Parse(id)) || _endpoints.Values.Any(e => e.Address == address))
                {
                    return new CommandResult(2, "", "Error: File exists");
                }
                _endpoints[int.Parse(id)] = (address, dev, string.Join(' ', a.Skip(8)));
                return Ok();
            case ["mptcp", "endpoint", "delete", "id", var id]:
                Mutations.Add(line);
                return _endpoints.Remove(int.Parse(id)) ? Ok() : new CommandResult(2, "", "Error: endpoint not found");
            default:
                return new CommandResult(1, "", $"unsupported ip call: {line}");
        }
    }

    /// <summary>Adds a rule as another program would, in the shape "ip -N -j rule show" prints (e.g. with "iif" or "goto").</summary>
    public void AddRule(Dictionary<string, object?> rule)
    {
        var priority = Convert.ToInt32(rule["priority"]);
        var at = _rules.FindIndex(r => Convert.ToInt32(r["priority"]) > priority);
        _rules.Insert(at < 0 ? _rules.Count : at, rule);
    }

    /// <summary>"ip rule add/del" arguments in the forms the appliance uses, as the kernel would list the rule; null for others.</summary>
    private static Dictionary<string, object?>? ParseRule(IReadOnlyList<string> a)
    {
        var rule = new Dictionary<string, object?> { ["src"] = "all" };
        for (var i = 0; i + 1 < a.Count; i += 2)
        {
            switch (a[i])
            {
                case "priority":
                    rule["priority"] = int.Parse(a[i + 1]);
                    break;
                case "from":
                    var slash = a[i + 1].IndexOf('/');
                    rule["src"] = slash < 0 ? a[i + 1] : a[i + 1][..slash];
                    if (slash >= 0)
                    {
                        rule["srclen"] = int.Parse(a[i + 1][(slash + 1)..]);
                    }
                    break;
                case "fwmark":
                    var parts = a[i + 1].Split('/');
                    rule["fwmark"] = parts[0];
                    rule["fwmask"] = parts[1];
                    break;
                case "lookup":
                    rule["table"] = a[i + 1] switch { "main" => "254", "local" => "255", "default" => "253", var n => int.Parse(n).ToString() };
                    break;
                case "suppress_prefixlength":
                    rule["suppress_prefixlen"] = int.Parse(a[i + 1]);
                    break;
                default:
                    return null;
            }
        }
        return a.Count % 2 == 0 && rule.ContainsKey("priority") ? rule : null;
    }

    private static bool Same(Dictionary<string, object?> a, Dictionary<string, object?> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && Equals(Normal(v), Normal(kv.Value)));

    private static object? Normal(object? value) => value is JsonElement e ? e.ToString() : value?.ToString();

    private static string Describe(Dictionary<string, object?> rule) =>
        string.Join(' ', rule.OrderBy(kv => kv.Key != "priority").Select(kv => kv.Value is null ? kv.Key : $"{kv.Key} {kv.Value}"));

    /// <summary>The marks whose sessions were flushed, in order.</summary>
    public List<string> Flushed { get; } = [];

    private CommandResult Flush(string mark, string line)
    {
        Flushed.Add(mark);
        Mutations.Add(line);
        // Like conntrack: exit 1 when nothing matched.
        return new CommandResult(1, "", "conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.\n");
    }

    private static CommandResult Ok(string stdout = "") => new(0, stdout, "");
}
