using Gateway.Tests.Shared;

namespace Gateway.Media.Tests;

public sealed class ProjectSmokeTests
{
    [Fact]
    public void ConformanceDataIsPresent() => Assert.True(Directory.Exists(Conformance.Root), "missing " + Conformance.Root);
}
