using Gateway.Media.Dtls;
using Xunit;

namespace Gateway.Media.Tests.Dtls;

/// <summary>The handshake timeout runs on the injected <see cref="TimeProvider"/>.</summary>
public sealed class DtlsTimeProviderTests
{
    [Fact]
    public async Task HandshakeTimeout_FiresFromTheInjectedClock()
    {
        var time = new CapturingTimeProvider();
        using var transport = new DtlsSrtpTransport(DtlsTestPeers.ServerCertificate, true, "sha-256",
            DtlsTestPeers.ClientCertificate.Fingerprint, _ => { }, time, new DtlsSrtpOptions { HandshakeTimeout = TimeSpan.FromSeconds(7) });
        transport.Start();
        Assert.Equal(TimeSpan.FromSeconds(7), time.DueTime);
        await Task.Delay(100);
        Assert.False(transport.Completion.IsCompleted);

        time.Fire();
        var e = await DtlsAssert.Fails(transport.Completion);
        Assert.Contains("timed out after 7 s", e.Message);
    }

    /// <summary>Hands out one timer that only fires when the test says so.</summary>
    private sealed class CapturingTimeProvider : TimeProvider
    {
        private TimerCallback? _callback;
        private object? _state;
        public TimeSpan DueTime { get; private set; }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            (_callback, _state, DueTime) = (callback, state, dueTime);
            return new NoTimer();
        }

        public void Fire() => _callback!(_state);

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;
            public void Dispose() { }
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
