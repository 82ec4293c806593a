using Gateway.Sip.Auth;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;

namespace Gateway.Sip.Registration;

/// <summary>
/// The UAC side of one registration binding (RFC 3261 §10.2): REGISTER, a digest answer to 401/407 (§22.2; MD5 or
/// SHA-256, qop auth, one answer per challenge), a retry with Min-Expires after 423 (§10.2.8), a refresh at half the
/// granted expiry, back-off with jitter after a failure, and Expires: 0 on <see cref="StopAsync"/> (§10.2.2).
/// One Call-ID and an increasing CSeq for the binding's life (§10.2.4). A lost connection to the registrar
/// (<see cref="IRegistrationSender.FlowLost"/>) is a REGISTER at once over a new one (RFC 5626 §4.4.1, as for a flow
/// failure), at most once per <see cref="FlowRecoveryInterval"/>: a registrar that closes every connection is not flooded.
/// Every event (start, stop, a response, a timer) is queued and handled in order by one worker at a time, so the state
/// needs no lock; timers come from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class RegistrationClient : IDisposable
{
    private const int Max423Retries = 3;
    public static readonly TimeSpan FlowRecoveryInterval = TimeSpan.FromSeconds(10);

    private readonly RegistrationBinding _binding;
    private readonly IRegistrationSender _sender;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly DigestClient? _digest;
    private readonly string _callId = SipStack.NewToken(12);
    private readonly string _fromTag = SipStack.NewToken(6);
    private readonly Lock _gate = new();
    private readonly Queue<Action> _work = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _working;

    // State below is touched only by queued work.
    private volatile RegistrationState _state;
    private uint _cseq;
    private int _generation, _failures;
    private TimeSpan _expires;
    private string? _contact;
    private bool _bound, _inFlight, _stopping;
    private Attempt? _attempt;
    private ITimer? _timer;
    private DateTimeOffset _lastFlowRecovery = DateTimeOffset.MinValue;

    public RegistrationClient(RegistrationBinding binding, IRegistrationSender sender, TimeProvider? time = null, Func<double>? random = null)
    {
        _binding = binding;
        _sender = sender;
        _time = time ?? TimeProvider.System;
        _random = random ?? Random.Shared.NextDouble;
        _expires = binding.Expires;
        if (binding.Username is { } user && binding.Password is { } password) _digest = new DigestClient(user, password);
        sender.FlowLost += OnFlowLost;
    }

    public RegistrationBinding Binding => _binding;
    public RegistrationState State => _state;
    public string CallId => _callId;

    /// <summary>Raised on every change of <see cref="State"/>, in order, from the client's worker: handlers must be quick.</summary>
    public event Action<RegistrationClient, RegistrationStateChange>? StateChanged;

    /// <summary>Sends the first REGISTER.</summary>
    public void Start() => Post(() =>
    {
        if (_stopping || _attempt is not null || _state != RegistrationState.Unregistered) return;
        SetState(new RegistrationStateChange(RegistrationState.Registering));
        Begin(unregister: false);
    });

    /// <summary>
    /// Stops refreshing and removes the binding (REGISTER with Expires: 0, §10.2.2) when one may exist; the task ends once
    /// that is answered (whatever the answer) or at once when there is nothing to remove. Callers bound the wait.
    /// </summary>
    public Task StopAsync()
    {
        Post(() =>
        {
            if (_stopping) return;
            _stopping = true;
            CancelTimer();
            if (_bound || _inFlight) { SetState(new RegistrationStateChange(RegistrationState.Unregistering)); Begin(unregister: true); }
            else Finish();
        });
        return _stopped.Task;
    }

    /// <summary>The registrar's connection closed: the binding is refreshed over a new one now, or after the recovery interval.</summary>
    private void OnFlowLost() => Post(() =>
    {
        if (_stopping || _attempt is not null || !_bound) return;
        var now = _time.GetUtcNow();
        if (now - _lastFlowRecovery < FlowRecoveryInterval)
        {
            Schedule(_lastFlowRecovery + FlowRecoveryInterval - now);
            return;
        }
        _lastFlowRecovery = now;
        Begin(unregister: false);
    });

    private void Begin(bool unregister)
    {
        _generation++;
        _attempt = new Attempt(unregister);
        Send(credentialsHeader: null, credentials: null);
    }

    private void Send(string? credentialsHeader, string? credentials)
    {
        var attempt = _attempt!;
        var expires = attempt.Unregister ? TimeSpan.Zero : _expires;
        var request = RegisterRequest.Create(_binding, _callId, _fromTag, ++_cseq, expires, _contact);
        if (credentialsHeader is not null) request.AddHeader(credentialsHeader, credentials!);
        var generation = _generation;
        _inFlight = true;
        Task<SipResponse> sent;
        try { sent = _sender.SendAsync(request, _disposed.Token); }
        catch (Exception e) when (e is not OutOfMemoryException) { sent = Task.FromException<SipResponse>(e); }
        sent.ContinueWith(t => Post(() => OnCompleted(generation, request, t)), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnCompleted(int generation, SipRequest request, Task<SipResponse> sent)
    {
        if (generation != _generation || _attempt is not { } attempt) return; // an answer to a REGISTER we gave up on
        _inFlight = false;
        _contact ??= request.GetHeader(SipHeaderNames.Contact);
        if (!sent.IsCompletedSuccessfully) { Fail(RegistrationFailure.TransportError, null, null); return; }
        var response = sent.Result;
        if (response.IsProvisional) return;
        if (response.IsSuccess) { OnSuccess(attempt, response, request); return; }
        switch (response.StatusCode)
        {
            case 401 or 407:
                OnChallenge(attempt, response, request);
                return;
            case 423 when !attempt.Unregister:
                OnIntervalTooBrief(attempt, response);
                return;
            case 408:
                Fail(RegistrationFailure.Timeout, 408, null);
                return;
            default:
                Fail(RegistrationFailure.Rejected, response.StatusCode, RegistrationTiming.Seconds(response.GetHeader("Retry-After")));
                return;
        }
    }

    private void OnSuccess(Attempt attempt, SipResponse response, SipRequest request)
    {
        _attempt = null;
        if (attempt.Unregister) { _bound = false; Finish(); return; }
        var ours = request.Contacts.Count > 0 ? request.Contacts[0].Uri : null;
        if (RegistrationTiming.Granted(response, ours, _expires) is not { } granted)
        {
            _bound = false;
            Fail(RegistrationFailure.NoBinding, response.StatusCode, null);
            return;
        }
        _bound = true;
        _failures = 0;
        var was = _state;
        _state = RegistrationState.Registered;
        if (was != RegistrationState.Registered) StateChanged?.Invoke(this, new RegistrationStateChange(RegistrationState.Registered, Expires: granted));
        Schedule(RegistrationTiming.RefreshDelay(granted));
    }

    /// <summary>§22.2: answer the challenge once; a second 401/407 to our answer fails unless the nonce was stale (RFC 2617 §3.2.1).</summary>
    private void OnChallenge(Attempt attempt, SipResponse response, SipRequest request)
    {
        var proxy = response.StatusCode == 407;
        var challenges = response.GetHeaders(proxy ? SipHeaderNames.ProxyAuthenticate : SipHeaderNames.WwwAuthenticate).ToList();
        var stale = challenges.Any(c => DigestParameters.TryParse(c, out var p) && "true".Equals(p!["stale"], StringComparison.OrdinalIgnoreCase));
        if (_digest is null || attempt.Answered >= (stale ? 2 : 1) || !TryAnswer(challenges, out var credentials))
        {
            if (attempt.Unregister) { _attempt = null; Finish(); return; }
            Fail(RegistrationFailure.AuthenticationFailed, response.StatusCode, null);
            return;
        }
        attempt.Answered++;
        Send(proxy ? SipHeaderNames.ProxyAuthorization : SipHeaderNames.Authorization, credentials);
    }

    /// <summary>RFC 8760 §2.4: of several challenges, answer the strongest algorithm we support (SHA-256 before MD5).</summary>
    private bool TryAnswer(List<string> challenges, out string? credentials)
    {
        credentials = null;
        var ordered = challenges.OrderBy(c => DigestParameters.TryParse(c, out var p) && "SHA-256".Equals(p!["algorithm"], StringComparison.OrdinalIgnoreCase) ? 0 : 1);
        foreach (var challenge in ordered)
            if (_digest!.TryAnswer(challenge, SipMethods.Register, _binding.Registrar.ToString(), out credentials)) return true;
        return false;
    }

    /// <summary>§10.2.8: ask again with the registrar's Min-Expires when it is above what we asked (and at most a day).</summary>
    private void OnIntervalTooBrief(Attempt attempt, SipResponse response)
    {
        var min = RegistrationTiming.Seconds(response.GetHeader("Min-Expires"));
        if (min is not { } least || least <= _expires || least > RegistrationTiming.MaxExpires || attempt.Brief >= Max423Retries)
        {
            Fail(RegistrationFailure.IntervalTooBrief, 423, null);
            return;
        }
        _expires = least;
        attempt.Brief++;
        attempt.Answered = 0; // the new request meets a new challenge
        Send(credentialsHeader: null, credentials: null);
    }

    private void Fail(RegistrationFailure failure, int? status, TimeSpan? retryAfter)
    {
        var attempt = _attempt;
        _attempt = null;
        if (attempt?.Unregister == true || _stopping) { Finish(); return; }
        _failures++;
        var delay = RegistrationTiming.Backoff(_failures, _random(), retryAfter);
        SetState(new RegistrationStateChange(RegistrationState.Failed, failure, status, RetryIn: delay));
        Schedule(delay);
    }

    private void Schedule(TimeSpan delay)
    {
        CancelTimer();
        var generation = _generation;
        _timer = _time.CreateTimer(_ => Post(() => OnTimer(generation)), null, delay, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer(int generation)
    {
        if (generation != _generation || _stopping || _attempt is not null) return;
        Begin(unregister: false);
    }

    private void CancelTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private void Finish()
    {
        _generation++;
        _attempt = null;
        _inFlight = false;
        CancelTimer();
        if (_state != RegistrationState.Unregistered) SetState(new RegistrationStateChange(RegistrationState.Unregistered));
        _stopped.TrySetResult();
    }

    private void SetState(RegistrationStateChange change)
    {
        _state = change.State;
        StateChanged?.Invoke(this, change);
    }

    /// <summary>Queues work; the thread that finds the queue idle runs it and whatever is queued meanwhile, in order.</summary>
    private void Post(Action work)
    {
        lock (_gate)
        {
            if (_disposed.IsCancellationRequested) return;
            _work.Enqueue(work);
            if (_working) return;
            _working = true;
        }
        while (true)
        {
            Action next;
            lock (_gate)
            {
                if (!_work.TryDequeue(out next!)) { _working = false; return; }
            }
            try { next(); }
            catch
            {
                // A throwing StateChanged handler: the next Post runs what is queued.
                lock (_gate) _working = false;
                throw;
            }
        }
    }

    /// <summary>Stops at once (no unregister) and disposes the sender when it is disposable: the client owns it.</summary>
    public void Dispose()
    {
        _sender.FlowLost -= OnFlowLost;
        (_sender as IDisposable)?.Dispose();
        lock (_gate)
        {
            if (_disposed.IsCancellationRequested) return;
            _disposed.Cancel();
            _work.Clear();
        }
        _timer?.Dispose();
        _stopped.TrySetResult();
        _disposed.Dispose();
    }

    /// <summary>One REGISTER and its follow-ups (digest answer, 423 retry) until a final outcome.</summary>
    private sealed class Attempt(bool unregister)
    {
        public bool Unregister { get; } = unregister;
        public int Answered { get; set; }
        public int Brief { get; set; }
    }
}
