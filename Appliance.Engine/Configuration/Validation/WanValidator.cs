namespace Appliance.Engine.Configuration.Validation;

/// <summary>Checks every WAN's fields, its probes, and that names and interfaces are unique.</summary>
public sealed class WanValidator : IConfigValidator
{
    /// <summary>More WANs than a box has ports is a mistake or an attack; each one costs a probe loop, a routing table and rules.</summary>
    public const int MaxWans = 64;

    /// <summary>Probe targets per WAN: every round sends one probe to each.</summary>
    public const int MaxProbeTargets = 8;

    public void Validate(ApplianceConfig config, ValidationPurpose purpose, ValidationErrors errors)
    {
        // The count is in the message: an edit that adds one more WAN to a list already over the cap is a new problem.
        if (config.Wans.Count > MaxWans)
        {
            errors.Add("wans", $"may hold at most {MaxWans} WANs ({config.Wans.Count} given)");
        }
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var interfaces = new Dictionary<string, int>(StringComparer.Ordinal);
        var lanInterfaces = (config.Settings?.Lan?.Interfaces ?? []).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < config.Wans.Count; i++)
        {
            var wan = config.Wans[i];
            var at = $"wans[{i}]";
            if (string.IsNullOrEmpty(wan.Name))
            {
                errors.Add($"{at}.name", "is required");
            }
            else if (!FieldRules.IsSlug(wan.Name))
            {
                errors.Add($"{at}.name", "must be 1-32 lowercase letters, digits or '-', starting and ending with a letter or digit");
            }
            else if (!names.TryAdd(wan.Name, i))
            {
                errors.Add($"{at}.name", $"'{wan.Name}' is already used by another WAN");
            }
            if (FieldRules.InterfaceNameError(wan.Interface) is { } interfaceError)
            {
                errors.Add($"{at}.interface", interfaceError);
            }
            else if (!interfaces.TryAdd(wan.Interface, i))
            {
                errors.Add($"{at}.interface", $"'{wan.Interface}' is already used by WAN '{config.Wans[interfaces[wan.Interface]].Name}'");
            }
            else if (lanInterfaces.Contains(wan.Interface))
            {
                errors.Add($"{at}.interface", $"'{wan.Interface}' is a LAN interface");
            }
            if (!Enum.IsDefined(wan.Mode))
            {
                errors.Add($"{at}.mode", "must be balance, bond or backup");
            }
            if (wan.Weight is < 1 or > 1000)
            {
                errors.Add($"{at}.weight", "must be between 1 and 1000");
            }
            if (wan.Tier is < 1 or > 9)
            {
                errors.Add($"{at}.tier", "must be between 1 and 9");
            }
            if (wan.Gateway != WanLink.DhcpGateway && !FieldRules.TryParseHostAddress(wan.Gateway, out _))
            {
                errors.Add($"{at}.gateway", "must be a unicast IP address or 'dhcp'");
            }
            if (!Enum.IsDefined(wan.Failback))
            {
                errors.Add($"{at}.failback", "must be keep or move");
            }
            ValidateProbes(wan.Probes, $"{at}.probes", errors);
        }
    }

    private static void ValidateProbes(ProbeSettings? probes, string at, ValidationErrors errors)
    {
        if (probes is null)
        {
            errors.Add(at, "is required");
            return;
        }
        if (!Enum.IsDefined(probes.Method))
        {
            errors.Add($"{at}.method", "must be icmp, tcp, dns or http");
        }
        if (probes.Targets is null)
        {
            errors.Add($"{at}.targets", "is required");
        }
        var targets = probes.Targets ?? [];
        if (targets.Count > MaxProbeTargets)
        {
            errors.Add($"{at}.targets", $"may list at most {MaxProbeTargets} targets");
        }
        for (var t = 0; t < targets.Count; t++)
        {
            if (!ProbeTarget.TryParse(targets[t], probes.Method, out _, out var error))
            {
                errors.Add($"{at}.targets[{t}]", error);
            }
        }
        if (probes.IntervalMs is < 50 or > 60_000)
        {
            errors.Add($"{at}.intervalMs", "must be between 50 and 60000");
        }
        if (probes.TimeoutMs is < 50 or > 60_000)
        {
            errors.Add($"{at}.timeoutMs", "must be between 50 and 60000");
        }
        if (probes.DownCount is < 1 or > 100)
        {
            errors.Add($"{at}.downCount", "must be between 1 and 100");
        }
        else if (probes.IntervalMs is >= 50 and <= 60_000 && probes.TimeoutMs is >= 50 and <= 60_000 &&
                 probes.TimeoutMs > (long)probes.IntervalMs * probes.DownCount)
        {
            // A probe still waiting after downCount rounds would be judged after the link was already called down,
            // and every interval would start another round waiting on the same dead link.
            errors.Add($"{at}.timeoutMs",
                $"must be at most intervalMs × downCount ({probes.IntervalMs} × {probes.DownCount} = {probes.IntervalMs * probes.DownCount} ms); " +
                "raise intervalMs or downCount, or lower timeoutMs");
        }
        if (probes.UpCount is < 1 or > 100)
        {
            errors.Add($"{at}.upCount", "must be between 1 and 100");
        }
        if (probes.Quorum < 1 || (targets.Count > 0 && probes.Quorum > targets.Count))
        {
            errors.Add($"{at}.quorum", $"must be between 1 and the number of targets ({Math.Max(1, targets.Count)})");
        }
        CheckLoss(probes.RecoverLossPercent, $"{at}.recoverLossPercent", errors);
        CheckLoss(probes.DegradedLossPercent, $"{at}.degradedLossPercent", errors);
        CheckLoss(probes.DownLossPercent, $"{at}.downLossPercent", errors);
        if (!(probes.RecoverLossPercent <= probes.DegradedLossPercent && probes.DegradedLossPercent <= probes.DownLossPercent))
        {
            errors.Add($"{at}.recoverLossPercent", "loss thresholds must satisfy recover <= degraded <= down");
        }
        foreach (var (value, name) in new[] { (probes.RecoverLatencyMs, "recoverLatencyMs"), (probes.DegradedLatencyMs, "degradedLatencyMs"), (probes.DownLatencyMs, "downLatencyMs") })
        {
            if (value is < 1 or > 60_000)
            {
                errors.Add($"{at}.{name}", "must be between 1 and 60000");
            }
        }
        if (!(probes.RecoverLatencyMs <= probes.DegradedLatencyMs && probes.DegradedLatencyMs <= probes.DownLatencyMs))
        {
            errors.Add($"{at}.recoverLatencyMs", "latency thresholds must satisfy recover <= degraded <= down");
        }
    }

    private static void CheckLoss(double value, string path, ValidationErrors errors)
    {
        if (double.IsNaN(value) || value is < 0 or > 100)
        {
            errors.Add(path, "must be a percentage between 0 and 100");
        }
    }
}
