using Xunit.Abstractions;

namespace Gateway.Tests.Shared;

/// <summary>
/// What a test does when a real peer is not installed: under CI (CI=true) it fails, since scripts/test.sh installs
/// every peer; on a developer's machine it is reported as skipped (never as passed), with the reason.
/// Tests that use a peer are <c>[SkippableFact]</c> / <c>[SkippableTheory]</c> so the skip is reported as such.
/// </summary>
public static class MissingPeer
{
    /// <summary>Fails under CI; elsewhere returns the exception that skips the running test: <c>throw MissingPeer.Skip(...)</c>.</summary>
    public static Exception Skip(ITestOutputHelper output, string missing)
    {
        if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail($"{missing} is missing: scripts/test.sh installs it");
        output.WriteLine($"SKIPPED: {missing} not available");
        return new SkipException($"{missing} not available (scripts/test.sh installs it)");
    }
}
