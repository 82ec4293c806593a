using Gateway.Dialplan;
using Gateway.Sip.Registration;

namespace Gateway.Server.Trunks;

/// <summary>
/// Registers every <c>register: true</c> trunk of the dialplan with its registrar (RFC 3261 §10.2), one
/// <see cref="RegistrationClient"/> per trunk: starts them with the host, follows dialplan reloads (a client for a new or
/// changed trunk, an unregister for a removed one), and unregisters all when the host begins to stop, before the drain
/// waits for calls (bounded by <see cref="UnregisterTimeout"/>), so the carrier sends no new calls meanwhile.
/// Logs each change of state once; a failure repeated with the same reason is logged at debug level.
/// In a cluster, <paramref name="mayRegister"/> says whether this node holds the trunk's lease (Cluster/): only the
/// holder registers it, and <see cref="Reapply"/> follows a lease gained or lost.
/// </summary>
internal sealed partial class TrunkRegistrations(Func<CompiledDialplan> dialplan, Func<TrunkDefinition, IRegistrationSender> senders,
    TrunkRegistrarSources sources, TimeProvider time, ILogger<TrunkRegistrations> logger, Action<Action<CompiledDialplan>>? subscribeReloads = null,
    Func<string, bool>? mayRegister = null)
    : IHostedLifecycleService, IDisposable
{
    private bool Registers(TrunkDefinition trunk) => trunk.Register && (mayRegister?.Invoke(trunk.Name) ?? true);

    /// <summary>Applies the current plan again (a cluster lease changed hands).</summary>
    public void Reapply() => Apply(dialplan());

    public static readonly TimeSpan UnregisterTimeout = TimeSpan.FromSeconds(4);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private bool _stopped;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscribeReloads?.Invoke(Apply);
        Apply(dialplan());
        return Task.CompletedTask;
    }

    /// <summary>Brings the clients in line with the plan: start new or changed trunks' clients, retire the others.</summary>
    public void Apply(CompiledDialplan plan)
    {
        var started = new List<RegistrationClient>();
        var retired = new List<RegistrationClient>();
        lock (_gate)
        {
            if (_stopped) return;
            foreach (var (name, entry) in _entries.ToList())
            {
                if (plan.Trunks.TryGetValue(name, out var now) && Registers(now) && TrunkRegistrationBinding.SameRegistration(entry.Trunk, now)) continue;
                _entries.Remove(name);
                retired.Add(entry.Client);
                if (!plan.Trunks.TryGetValue(name, out var still) || !Registers(still)) sources.RemoveTrunk(name);
            }
            foreach (var trunk in plan.Trunks.Values)
            {
                if (!Registers(trunk) || _entries.ContainsKey(trunk.Name)) continue;
                if (TrunkRegistrationBinding.For(trunk) is not { } binding) { Log.BadRegistrar(logger, trunk.Name, trunk.Registration.RegistrarFor(trunk)); continue; }
                var client = new RegistrationClient(binding, senders(trunk), time);
                var entry = new Entry(trunk, client);
                client.StateChanged += (_, change) => OnStateChanged(entry, change);
                _entries[trunk.Name] = entry;
                started.Add(client);
            }
        }
        foreach (var client in retired) _ = RetireAsync(client);
        foreach (var client in started) client.Start();
    }

    /// <summary>The registering trunks and their state.</summary>
    public IReadOnlyList<TrunkRegistrationStatus> Snapshot()
    {
        lock (_gate) return [.. _entries.Values.Select(e => new TrunkRegistrationStatus(e.Trunk.Name, e.Client.State)).OrderBy(s => s.Trunk, StringComparer.Ordinal)];
    }

    /// <summary>Unregisters every trunk; waits at most <see cref="UnregisterTimeout"/> for the registrars' answers.</summary>
    public async Task UnregisterAllAsync(CancellationToken cancellationToken)
    {
        List<RegistrationClient> clients;
        lock (_gate)
        {
            if (_stopped) return;
            _stopped = true;
            clients = [.. _entries.Values.Select(e => e.Client)];
        }
        if (clients.Count == 0) return;
        try
        {
            await Task.WhenAll(clients.Select(c => c.StopAsync())).WaitAsync(UnregisterTimeout, time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            Log.UnregisterTimedOut(logger, clients.Count(c => c.State != RegistrationState.Unregistered), UnregisterTimeout.TotalSeconds);
        }
    }

    private async Task RetireAsync(RegistrationClient client)
    {
        try { await client.StopAsync().WaitAsync(UnregisterTimeout, time); }
        catch (TimeoutException) { }
        client.Dispose();
    }

    private void OnStateChanged(Entry entry, RegistrationStateChange change)
    {
        var trunk = entry.Trunk.Name;
        switch (change.State)
        {
            case RegistrationState.Registered:
                entry.LastFailure = null;
                Log.Registered(logger, trunk, entry.Client.Binding.Registrar.ToString(), (long)(change.Expires?.TotalSeconds ?? 0));
                break;
            case RegistrationState.Failed when entry.LastFailure != (change.Failure, change.StatusCode):
                entry.LastFailure = (change.Failure, change.StatusCode);
                Log.Failed(logger, trunk, change.Failure, change.StatusCode ?? 0, change.RetryIn?.TotalSeconds ?? 0);
                break;
            case RegistrationState.Failed:
                Log.FailedAgain(logger, trunk, change.Failure, change.StatusCode ?? 0, change.RetryIn?.TotalSeconds ?? 0);
                break;
            case RegistrationState.Unregistered:
                Log.Unregistered(logger, trunk);
                break;
            default:
                Log.Changed(logger, trunk, change.State);
                break;
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => UnregisterAllAsync(cancellationToken);
    public Task StopAsync(CancellationToken cancellationToken) => UnregisterAllAsync(cancellationToken);
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            foreach (var entry in _entries.Values) entry.Client.Dispose();
            _entries.Clear();
        }
    }

    private sealed class Entry(TrunkDefinition trunk, RegistrationClient client)
    {
        public TrunkDefinition Trunk { get; } = trunk;
        public RegistrationClient Client { get; } = client;
        public (RegistrationFailure?, int?)? LastFailure { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(4650, LogLevel.Information, "Trunk {Trunk} registered with {Registrar} for {Expires} s")]
        public static partial void Registered(ILogger logger, string trunk, string registrar, long expires);

        [LoggerMessage(4651, LogLevel.Warning, "Trunk {Trunk} registration failed ({Failure}, status {Status}); next try in {RetryIn:0.#} s")]
        public static partial void Failed(ILogger logger, string trunk, RegistrationFailure? failure, int status, double retryIn);

        [LoggerMessage(4652, LogLevel.Debug, "Trunk {Trunk} registration failed again ({Failure}, status {Status}); next try in {RetryIn:0.#} s")]
        public static partial void FailedAgain(ILogger logger, string trunk, RegistrationFailure? failure, int status, double retryIn);

        [LoggerMessage(4653, LogLevel.Information, "Trunk {Trunk} unregistered")]
        public static partial void Unregistered(ILogger logger, string trunk);

        [LoggerMessage(4654, LogLevel.Debug, "Trunk {Trunk} registration {State}")]
        public static partial void Changed(ILogger logger, string trunk, RegistrationState state);

        [LoggerMessage(4655, LogLevel.Warning, "{Count} trunk(s) still registered after waiting {Seconds} s for the registrars to answer the unregister")]
        public static partial void UnregisterTimedOut(ILogger logger, int count, double seconds);

        [LoggerMessage(4656, LogLevel.Error, "Trunk {Trunk} has register: true but its registrar {Registrar} is not a SIP URI; it does not register")]
        public static partial void BadRegistrar(ILogger logger, string trunk, string registrar);
    }
}
