namespace Gateway.Dialplan.Tests;

public sealed class HotReloadTests
{
    private const string PlanA = "trunks:\n  pstn:\n    uri: sip:127.0.0.1:5080\nroutes:\n  - name: a\n    match: { prefix: '' }\n    trunk: [pstn]\n";
    private const string PlanB = "trunks:\n  pstn:\n    uri: sip:127.0.0.1:5080\nroutes:\n  - name: b\n    match: { prefix: '' }\n    trunk: [pstn]\n";

    [Fact]
    public async Task ReloadsUnderConcurrentRoutingNeverExposeAHalfLoadedPlan()
    {
        var file = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, PlanA);
        try
        {
            using var watcher = DialplanWatcher.Start(file, watch: false);
            using var stop = new CancellationTokenSource();
            var routed = 0L;
            var routers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var d = watcher.Current.Route(new CallRequest(CallSource.Parse("alice"), "+441234", DateTimeOffset.UtcNow));
                    Assert.True(d.Route is "a" or "b", $"unexpected decision {d}");
                    Assert.Equal(["pstn"], d.Trunks);
                    Interlocked.Increment(ref routed);
                }
            })).ToArray();
            for (var i = 0; i < 40; i++)
            {
                File.WriteAllText(file, i % 2 == 0 ? PlanB : PlanA);
                Assert.True(watcher.Reload());
            }
            for (var wait = 0; Interlocked.Read(ref routed) < 1000 && wait < 500; wait++) await Task.Delay(10);
            stop.Cancel();
            await Task.WhenAll(routers);
            Assert.True(routed > 0);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void AFileWithErrorsIsRefusedAndTheOldPlanStays()
    {
        var file = Path.Combine(Path.GetTempPath(), $"plan-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, PlanA);
        try
        {
            using var watcher = DialplanWatcher.Start(file, watch: false);
            var before = watcher.Current;
            File.WriteAllText(file, PlanA.Replace("trunk: [pstn]", "trunk: [gone]"));
            Assert.False(watcher.Reload());
            Assert.Same(before, watcher.Current);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task AChangedFileIsPickedUpByTheWatcher()
    {
        var dir = Directory.CreateTempSubdirectory("dialplan-").FullName;
        var file = Path.Combine(dir, "plan.yaml");
        File.WriteAllText(file, PlanA);
        try
        {
            using var watcher = DialplanWatcher.Start(file);
            var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            watcher.Reloaded += _ => reloaded.TrySetResult();
            File.WriteAllText(file, PlanB);
            await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("b", watcher.Current.Route(new CallRequest(CallSource.Parse("x"), "+1", DateTimeOffset.UtcNow)).Route);
        }
        finally { Directory.Delete(dir, true); }
    }
}
