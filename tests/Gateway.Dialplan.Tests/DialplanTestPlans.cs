using Gateway.Tests.Shared;

namespace Gateway.Dialplan.Tests;

internal static class DialplanTestPlans
{
    public static string SamplePath => Path.Combine(Conformance.RepoRoot, "tests", "Gateway.Dialplan.Tests", "Plans", "sample.yaml");
    public static string DefaultPath => Path.Combine(Conformance.RepoRoot, "dialplan", "default.yaml");

    public static string? Env(string name) => name switch
    {
        "CARRIER_A_USER" => "gw",
        "CARRIER_A_PASSWORD" => "s3cret",
        _ => null,
    };

    public static CompiledDialplan Sample()
    {
        var result = DialplanLoader.LoadFile(SamplePath, Env);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Plan!;
    }

    public static DialplanLoader.Result Load(string yaml) => DialplanLoader.Load(yaml, "test.yaml", Env);
}
