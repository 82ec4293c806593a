using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Media.Bridge;
using Gateway.Media.Conference;
using Gateway.Sdp.Translation;
using Gateway.Server.Calls;
using Gateway.Server.Observability;
using Gateway.Server.Signaling;

namespace Gateway.Server.Tests.Calls;

/// <summary>A signaling session that records every server message and lets a test wait for one.</summary>
internal sealed class FakeWebSession(string sessionId, string? user = null) : IWebSession
{
    private readonly List<JsonObject> _messages = [];
    private readonly SemaphoreSlim _arrived = new(0);

    public string SessionId { get; } = sessionId;
    public string? RegisteredUser { get; set; } = user;
    public string? Identity { get; set; } = user;
    public IPAddress RemoteAddress => IPAddress.Loopback;

    public IReadOnlyList<JsonObject> Messages
    {
        get { lock (_messages) return [.. _messages]; }
    }

    public void Send(JsonObject message)
    {
        lock (_messages) _messages.Add(message);
        _arrived.Release();
    }

    public void SendError(string? id, string code, string message) =>
        Send(new JsonObject { ["type"] = "error", ["id"] = id, ["code"] = code, ["message"] = message });

    /// <summary>The first message of that type (and id) that arrived, waiting up to the timeout.</summary>
    public async Task<JsonObject> WaitForAsync(string type, string? id = null, int timeoutMs = 5000, int skip = 0)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            var found = Messages.Where(m => (string?)m["type"] == type && (id is null || (string?)m["id"] == id)).Skip(skip).FirstOrDefault();
            if (found is not null) return found;
            var left = deadline - Environment.TickCount64;
            if (left <= 0)
                throw new TimeoutException($"no '{type}' for {SessionId}; got: " + string.Join(" ", Messages.Select(m => m.ToJsonString())));
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(left, 100)));
        }
    }

    public int Count(string type) => Messages.Count(m => (string?)m["type"] == type);
}

internal sealed class FakeUserDirectory : IWebUserDirectory
{
    private readonly ConcurrentDictionary<string, List<IWebSession>> _users = new();

    public void Register(string user, IWebSession session) => _users.AddOrUpdate(user, _ => [session], (_, list) => [.. list, session]);

    public IReadOnlyList<IWebSession> SessionsFor(string user) => _users.TryGetValue(user, out var list) ? list : [];
}

/// <summary>Media that records what the call layer asked of it; <see cref="End"/> plays the media plane ending a session.</summary>
internal sealed class FakeCallMedia(int index) : ICallRelayMedia
{
    /// <summary>As a relay (<see cref="FakeMediaFactory.CreateRelay"/>): the phone's leg.</summary>
    public RtpEndpoint PhoneEndpoint { get; } = new("127.0.0.1", 52000 + index * 2);
    public IPEndPoint? PhoneRemote { get; private set; }
    public void ConfigurePhone(IPEndPoint remote)
    {
        PhoneRemote = remote;
        Calls.Enqueue($"phone {remote}");
    }
    public WebRtcEndpoint WebEndpoint { get; } = new("127.0.0.1", 40000 + index * 2, "ufrag" + index, "pwd-pwd-pwd-pwd-pwd-pwd" + index, "sha-256",
        "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99");
    public RtpEndpoint SipEndpoint { get; } = new("127.0.0.1", 50000 + index * 2);
    public event Action<MediaEndReason>? Ended;
#pragma warning disable CS0067 // raised by tests that need it
    public event Action<char, int>? DtmfFromWeb;
#pragma warning restore CS0067
    public ConcurrentQueue<string> Calls { get; } = new();
    public bool Disposed { get; private set; }
    public MediaCodecMapping? SipCodecs { get; private set; }
    public IPEndPoint? SipRemote { get; private set; }

    public void ConfigureWeb(string iceUfrag, string icePwd, string fingerprint, bool gatewayIsDtlsServer) => Calls.Enqueue($"web {iceUfrag} {gatewayIsDtlsServer}");
    public void ConfigureSip(IPEndPoint remote, MediaCodecMapping codecs)
    {
        SipRemote = remote;
        SipCodecs = codecs;
        Calls.Enqueue($"sip {remote} {codecs.WebPayloadType}->{codecs.SipPayloadType}");
    }
    public void SetForwarding(bool toWeb, bool toSip) => Calls.Enqueue($"forward {toWeb} {toSip}");
    public void StartEcho(int payloadType, int clockRate, MediaAppLeg leg) => Calls.Enqueue(leg == MediaAppLeg.Web ? $"echo {payloadType} {clockRate}" : $"echo sip {payloadType} {clockRate}");
    public void StartPlayback(ReadOnlyMemory<short> samples8k, int payloadType, int clockRate, MediaAppLeg leg) => Calls.Enqueue($"playback {samples8k.Length} {payloadType}");
    public void ConfigureSipApp(IPEndPoint remote, int clockRate) => Calls.Enqueue($"sip app {remote} {clockRate}");
    public ConferenceError JoinConference(string room, ConferenceCodec codec, MediaAppLeg leg, Action<char> onDigit)
    {
        Calls.Enqueue($"conference {room} {codec.Codec} {leg}");
        ConferenceDigits = onDigit;
        return JoinResult;
    }
    public ConferenceError JoinResult { get; set; }
    public Action<char>? ConferenceDigits { get; private set; }
    public bool ConferenceMuted { get; set; }
    public void SendDtmfToSip(string digits, int durationMs) => Calls.Enqueue($"dtmf {digits} {durationMs}");
    public string? StartRecording(string fileName, int sampleRate)
    {
        Calls.Enqueue($"record {fileName} {sampleRate}");
        return "/recordings/" + fileName;
    }
    public MediaSessionStats Stats => new(10, 1000, 11, 1100, 12, 1200, 13, 1300, 1, 2, 0.5, 1.5);
    public void End(MediaEndReason reason) => Ended?.Invoke(reason);
    public void RaiseDtmf(char digit) => DtmfFromWeb?.Invoke(digit, 100);
    public event Action<MediaMilestone>? Milestone;
    /// <summary>The web leg's ICE then DTLS come up (the call's trace records them).</summary>
    public void Connect()
    {
        Milestone?.Invoke(MediaMilestone.IceConnected);
        Milestone?.Invoke(MediaMilestone.DtlsConnected);
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

internal sealed class FakeMediaFactory : ICallMediaFactory
{
    private int _count;
    public ConcurrentQueue<FakeCallMedia> Created { get; } = new();
    public bool Exhausted { get; set; }

    public ICallMedia Create()
    {
        if (Exhausted) throw new MediaUnavailableException("no port");
        var media = new FakeCallMedia(Interlocked.Increment(ref _count) % 1000);
        Created.Enqueue(media);
        return media;
    }

    public ICallRelayMedia CreateRelay() => (FakeCallMedia)Create();

    public FakeCallMedia Last => Created.Last();
}

internal sealed class RecordingCdrWriter : ICdrWriter
{
    public ConcurrentQueue<CallDetailRecord> Records { get; } = new();
    public void Write(CallDetailRecord record) => Records.Enqueue(record);
}

/// <summary>Registrar bindings the test sets: a user's SIP phones (test peers) by their flow.</summary>
internal sealed class FakeRegisteredDevices : Gateway.Server.Registrar.IRegisteredDevices
{
    private readonly ConcurrentDictionary<string, List<Gateway.Server.Registrar.RegisteredDevice>> _devices = new();

    /// <summary>Binds <paramref name="peer"/> (its Contact, reached at its address) for <paramref name="user"/>.</summary>
    public void Bind(string user, SipTestPeer peer) => _devices.AddOrUpdate(user,
        _ => [Device(user, peer)], (_, list) => [.. list, Device(user, peer)]);

    private static Gateway.Server.Registrar.RegisteredDevice Device(string user, SipTestPeer peer) =>
        new(user, Gateway.Sip.Messages.SipUri.Parse(peer.Contact().Trim('<', '>')), peer.EndPoint, null, null, DateTimeOffset.UtcNow.AddHours(1));

    public IReadOnlyList<Gateway.Server.Registrar.RegisteredDevice> DevicesOf(string user) => _devices.TryGetValue(user, out var list) ? list : [];
    public int Count => _devices.Values.Sum(l => l.Count);
}

/// <summary>The cluster's view for the call layer: the users other nodes hold, each as the device an INVITE reaches.</summary>
internal sealed class FakeRemoteUsers : IRemoteUsers
{
    private readonly FakeRegisteredDevices _nodes = new();
    public int Lookups;

    public void Hold(string user, SipTestPeer node) => _nodes.Bind(user, node);

    public Task<IReadOnlyList<Gateway.Server.Registrar.RegisteredDevice>> LocateAsync(string user)
    {
        Interlocked.Increment(ref Lookups);
        return Task.FromResult(_nodes.DevicesOf(user));
    }
}
