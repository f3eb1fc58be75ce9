using Appliance.Engine.Configuration;
using Appliance.Engine.Health.Probing;
using Appliance.Engine.Kernel;
using Appliance.Engine.Network;

namespace Appliance.Engine.Health;

// One WAN under watch: its carrier, its probe loop and its state machine.
public sealed partial class HealthMonitor
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A token source with no timer holds nothing to free; Stop cancels it and the watch is dropped.")]
    private sealed class WanWatch
    {
        private static readonly TimeSpan RoundGrace = TimeSpan.FromSeconds(2);

        private readonly HealthMonitor _owner;
        private readonly LinkHealthPolicy _policy;
        private readonly IReadOnlyList<ProbeTarget> _targets;
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _lock = new();
        private bool _carrier;
        private string? _gateway;
        private string? _address;
        private int _addressing;

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
                _ = owner._supervisor.RunAsync($"probe {wan.Name}", (_, ct) => ProbeLoopAsync(ct),
                    CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, owner._stopping).Token);
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

        /// <summary>
        /// Takes the kernel's view of the interface, and for a WAN whose addressing the engine runs what its DHCP client
        /// or PPP session learned (<paramref name="learned"/>); carrier loss is an immediate down.
        /// </summary>
        public void SetLink(InterfaceFacts facts, WanAddressState? learned = null)
        {
            LinkState from;
            LinkHealth to;
            lock (_lock)
            {
                from = Health.State;
                if (learned is not null)
                {
                    var address = learned.Address?.Split('/')[0];
                    if (_address is not null && address is not null && (address != _address || learned.Gateway != _gateway))
                    {
                        // A round under way was sent from the old address: it is not counted either.
                        _policy.Readdressed();
                        _addressing++;
                    }
                    _gateway = learned.Gateway;
                    _address = address;
                }
                else
                {
                    _gateway = Wan.Gateway == WanLink.DhcpGateway ? facts.DefaultGateway ?? (facts.Carrier ? _gateway : null) : Wan.Gateway;
                    _address = facts.Address;
                }
                _carrier = facts.Exists && facts.Carrier;
                if (!_carrier)
                {
                    if (from != LinkState.Down || Health.Carrier)
                    {
                        _policy.CarrierLost(facts.Exists ? $"down: no carrier on {Binding.Interface}" : $"down: interface {Binding.Interface} does not exist");
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

        /// <summary>
        /// One round at a time: the next starts one interval after the previous one started, or as soon as it ended if
        /// it took longer. Rounds that overlapped would pile up (a 50 ms interval with a 60 s timeout is 1,200 rounds in
        /// flight) and be judged out of order.
        /// </summary>
        private async Task ProbeLoopAsync(CancellationToken ct)
        {
            var interval = TimeSpan.FromMilliseconds(Wan.Probes.IntervalMs);
            var time = _owner._time;
            while (true)
            {
                var started = time.GetTimestamp();
                await RoundAsync(ct);
                var rest = interval - time.GetElapsedTime(started);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, time, ct);
                }
                else
                {
                    ct.ThrowIfCancellationRequested();
                }
            }
        }

        private async Task RoundAsync(CancellationToken ct)
        {
            // Probes leave through the WAN's routing table and come back past its strict reverse-path check, which the
            // engine sets up once it knows carrier and address. A probe sent before would read as loss of a link that is
            // fine: bound to the interface without a route, the kernel even looks for the target on the link.
            if (!_carrier || !_owner._readiness.CanProbe(Binding.Interface))
            {
                return;
            }
            var timeout = TimeSpan.FromMilliseconds(Wan.Probes.TimeoutMs);
            int addressing;
            lock (_lock)
            {
                addressing = _addressing;
            }
            var results = await ProbeAllAsync(timeout, ct);
            var answered = results.Where(r => r.Success).ToList();
            var round = new ProbeRound(answered.Count, results.Length, answered.Count == 0 ? null : answered.Average(r => r.RttMs), results.FirstOrDefault(r => !r.Success)?.Error);
            LinkState from;
            LinkHealth to;
            bool changed;
            lock (_lock)
            {
                if (!_carrier || ct.IsCancellationRequested || addressing != _addressing)
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

        /// <summary>
        /// Every target once. Probers keep to their timeout themselves; one that does not must not hold up the WAN's
        /// rounds for good, so past the timeout and a grace its round counts as lost.
        /// </summary>
        private async Task<ProbeResult[]> ProbeAllAsync(TimeSpan timeout, CancellationToken ct)
        {
            var probes = Task.WhenAll(_targets.Select(t => _owner._probers.ProbeAsync(t, Binding, timeout, ct)));
            try
            {
                return await probes.WaitAsync(timeout + RoundGrace, _owner._time, ct);
            }
            catch (TimeoutException)
            {
                _owner.LogRoundOverran(Wan.Name, timeout + RoundGrace);
                var lost = ProbeResult.Lost($"no answer within {(timeout + RoundGrace).TotalMilliseconds:0} ms (the probe overran its timeout)");
                return _targets.Select(_ => lost).ToArray();
            }
        }
    }
}
