using Appliance.Engine.Configuration;
using Appliance.Engine.Health.Probing;
using Appliance.Engine.Kernel;

namespace Appliance.Engine.Health;

// One WAN under watch: its carrier, its probe loop and its state machine.
public sealed partial class HealthMonitor
{
    private sealed class WanWatch
    {
        private readonly HealthMonitor _owner;
        private readonly LinkHealthPolicy _policy;
        private readonly IReadOnlyList<ProbeTarget> _targets;
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _lock = new();
        private bool _carrier;
        private string? _gateway;
        private string? _address;

        public WanWatch(WanLink wan, WanBinding binding, HealthMonitor owner)
        {
            Wan = wan;
            Binding = binding;
            _owner = owner;
            _policy = new LinkHealthPolicy(wan.Probes);
            // Validation guarantees every target parses.
            _targets = wan.Probes.Targets
                .Select(t => ProbeTarget.TryParse(t, wan.Probes.Method, out var target, out _) ? target : null)
                .OfType<ProbeTarget>()
                .ToList();
            Health = LinkHealth.Unknown with { Carrier = false };
            if (_targets.Count > 0)
            {
                _ = ProbeLoopAsync(CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, owner._stopping).Token);
            }
        }

        public WanLink Wan { get; }
        public WanBinding Binding { get; }
        public LinkHealth Health { get; private set; }

        public LinkMetrics Metrics
        {
            get
            {
                lock (_lock)
                {
                    return _targets.Count == 0 ? LinkMetrics.None : _policy.Metrics;
                }
            }
        }

        public void Stop() => _stop.Cancel();

        /// <summary>Takes the kernel's view of the interface; carrier loss is an immediate down.</summary>
        public void SetLink(InterfaceFacts facts)
        {
            LinkState from;
            LinkHealth to;
            lock (_lock)
            {
                from = Health.State;
                _gateway = Wan.Gateway == WanLink.DhcpGateway ? facts.DefaultGateway ?? (facts.Carrier ? _gateway : null) : Wan.Gateway;
                _carrier = facts.Exists && facts.Carrier;
                _address = facts.Address;
                if (!_carrier)
                {
                    if (from != LinkState.Down || Health.Carrier)
                    {
                        _policy.CarrierLost(facts.Exists ? $"down: no carrier on {Wan.Interface}" : $"down: interface {Wan.Interface} does not exist");
                    }
                    Health = new LinkHealth(LinkState.Down, _policy.Reason, _gateway, Carrier: false, _address);
                }
                else if (_targets.Count == 0)
                {
                    Health = new LinkHealth(LinkState.Up, "up: carrier present (no probe targets configured)", _gateway, Carrier: true, _address);
                }
                else
                {
                    Health = new LinkHealth(_policy.State, _policy.Reason, _gateway, Carrier: true, _address);
                }
                to = Health;
            }
            if (from != to.State)
            {
                _owner.StateChanged(this, from, to);
            }
        }

        private async Task ProbeLoopAsync(CancellationToken ct)
        {
            var interval = TimeSpan.FromMilliseconds(Wan.Probes.IntervalMs);
            while (!ct.IsCancellationRequested)
            {
                // Rounds overlap when the timeout is longer than the interval; each is judged when it completes.
                _ = _owner.SafeAsync(() => RoundAsync(ct));
                try
                {
                    await Task.Delay(interval, _owner._time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        private async Task RoundAsync(CancellationToken ct)
        {
            // Probes leave through the WAN's routing table and come back past its strict reverse-path check, which the
            // engine sets up once it knows carrier and address. A probe sent before would read as loss of a link that is
            // fine: bound to the interface without a route, the kernel even looks for the target on the link.
            if (!_carrier || !_owner._applier.CanProbe(Wan.Interface))
            {
                return;
            }
            var timeout = TimeSpan.FromMilliseconds(Wan.Probes.TimeoutMs);
            var results = await Task.WhenAll(_targets.Select(t => _owner._probers.ProbeAsync(t, Binding, timeout, ct)));
            var answered = results.Where(r => r.Success).ToList();
            var round = new ProbeRound(answered.Count, results.Length, answered.Count == 0 ? null : answered.Average(r => r.RttMs), results.FirstOrDefault(r => !r.Success)?.Error);
            LinkState from;
            LinkHealth to;
            bool changed;
            lock (_lock)
            {
                if (!_carrier || ct.IsCancellationRequested)
                {
                    return;
                }
                from = Health.State;
                changed = _policy.Evaluate(round, _owner._time.GetUtcNow());
                Health = new LinkHealth(_policy.State, _policy.Reason, _gateway, Carrier: true, _address);
                to = Health;
            }
            if (changed)
            {
                _owner.StateChanged(this, from, to);
            }
        }
    }
}
