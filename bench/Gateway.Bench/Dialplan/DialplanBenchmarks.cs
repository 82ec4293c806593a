using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Dialplan;

namespace Gateway.Bench.Dialplan;

/// <summary>Routing decisions over a generated plan of 1,000 routes, and loading (reloading) that plan.</summary>
[MemoryDiagnoser]
public class DialplanBenchmarks
{
    private string _yaml = "";
    private CompiledDialplan _plan = null!;
    private readonly CallRequest _lastRoute = new(CallSource.Parse("web:alice"), "02079460999", DateTimeOffset.Parse("2026-11-24T12:00:00Z"));
    private readonly CallRequest _firstRoute = new(CallSource.Parse("web:alice"), "600", DateTimeOffset.Parse("2026-11-24T12:00:00Z"));

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder();
        sb.Append("trunks:\n  pstn:\n    uri: sip:127.0.0.1:5080\n  backup:\n    uri: sip:127.0.0.1:5082\n");
        sb.Append("normalize:\n  - match: '^0(\\d{9,10})$'\n    replace: '+44$1'\n");
        sb.Append("guards:\n  deny:\n    premium: ['^\\+449']\nroutes:\n  - name: echo\n    match: { exact: '600' }\n    app: echo\n");
        // 998 prefix routes of the kind a carrier's rate deck makes, then a catch-all: the worst case is the last one.
        for (var i = 0; i < 998; i++) sb.Append($"  - name: r{i}\n    match: {{ prefix: '+1{i:D3}' }}\n    trunk: [pstn, backup]\n");
        sb.Append("  - name: uk\n    match: { prefix: '+44' }\n    trunk: [pstn, backup]\n");
        _yaml = sb.ToString();
        _plan = DialplanLoader.Load(_yaml, "bench.yaml").Plan!;
    }

    [Benchmark(Baseline = true)]
    public RouteDecision RouteFirstOf1000() => _plan.Route(_firstRoute);

    [Benchmark]
    public RouteDecision RouteLastOf1000() => _plan.Route(_lastRoute);

    [Benchmark]
    public CompiledDialplan? Load1000Routes() => DialplanLoader.Load(_yaml, "bench.yaml").Plan;
}
