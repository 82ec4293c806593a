namespace Gateway.Interop.Tests.Gateway;

/// <summary>Finds the repository, the built gateway and the test assets from the test binaries' directory.</summary>
public static class TestPaths
{
    /// <summary>The repository root: the first directory above the test binaries holding Gateway.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ScenarioDirectory => Path.Combine(AppContext.BaseDirectory, "Gateway", "Scenarios");

    public static string Scenario(string file)
    {
        var path = Path.Combine(ScenarioDirectory, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"test asset {file} not copied to {ScenarioDirectory}");
    }

    public static string JsDirectory => Path.Combine(RepoRoot, "tests", "Gateway.Interop.Tests", "js");

    /// <summary>
    /// gateway.dll as built by the project reference: the server's own output of the same configuration first (it has the
    /// right deps.json and content), then the copy next to the test binaries, then the other configuration.
    /// </summary>
    public static string GatewayDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var other = configuration == "Release" ? "Debug" : "Release";
        string[] candidates =
        [
            Path.Combine(RepoRoot, "src", "Gateway.Server", "bin", configuration, "net10.0", "gateway.dll"),
            Path.Combine(AppContext.BaseDirectory, "gateway.dll"),
            Path.Combine(RepoRoot, "src", "Gateway.Server", "bin", other, "net10.0", "gateway.dll"),
        ];
        foreach (var candidate in candidates)
            if (File.Exists(candidate) && File.Exists(Path.ChangeExtension(candidate, ".runtimeconfig.json")))
                return candidate;
        throw new FileNotFoundException("gateway.dll not found; build tests/Gateway.Interop.Tests first. Looked at:\n" + string.Join("\n", candidates));
    }

    public static string ServerProjectDirectory => Path.Combine(RepoRoot, "src", "Gateway.Server");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Gateway.sln above {AppContext.BaseDirectory}");
    }
}
