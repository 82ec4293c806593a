namespace Gateway.Fuzz.Engine;

/// <summary>What one run of a target did: the figures docs/security.md records.</summary>
public sealed record FuzzReport(string Target, long Inputs, TimeSpan Elapsed, int Crashes, int Hangs, int CorpusSize, int Edges)
{
    public override string ToString() =>
        $"target={Target} inputs={Inputs} seconds={Elapsed.TotalSeconds:F0} inputs/s={Inputs / Math.Max(Elapsed.TotalSeconds, 0.001):F0} " +
        $"crashes={Crashes} hangs={Hangs} corpus={CorpusSize} edges={Edges}";
}
