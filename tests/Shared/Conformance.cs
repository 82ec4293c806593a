namespace Gateway.Tests.Shared;

/// <summary>Locates the conformance data checked in under `tests/conformance/` (its README names each file's source).</summary>
public static class Conformance
{
    /// <summary>The repository root: the first directory above the test binaries that holds Gateway.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The conformance folder; GATEWAY_CONFORMANCE overrides it.</summary>
    public static string Root { get; } =
        Environment.GetEnvironmentVariable("GATEWAY_CONFORMANCE") is { Length: > 0 } overridden
            ? overridden
            : Path.Combine(RepoRoot, "tests", "conformance");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")) || File.Exists(Path.Combine(dir.FullName, "Gateway.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Gateway.sln not found above " + AppContext.BaseDirectory);
    }
}
