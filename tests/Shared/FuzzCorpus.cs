namespace Gateway.Tests.Shared;

/// <summary>
/// The fuzz corpus checked in under `tests/fuzz/&lt;target&gt;/` (seeds and crash reproducers, see its README): the
/// corpus replay tests run every file through the same target code the fuzzer runs (linked from tests/Gateway.Fuzz).
/// </summary>
public static class FuzzCorpus
{
    public static string Folder(string target) => Path.Combine(Conformance.RepoRoot, "tests", "fuzz", target);

    /// <summary>The target's corpus file names, one theory case each; fails when the folder is empty or missing.</summary>
    public static TheoryData<string> Files(string target)
    {
        var folder = Folder(target);
        var names = Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        if (names.Length == 0) throw new InvalidOperationException("no fuzz corpus in " + folder);
        var data = new TheoryData<string>();
        foreach (var name in names) data.Add(name!);
        return data;
    }

    public static byte[] Read(string target, string name) => File.ReadAllBytes(Path.Combine(Folder(target), name));
}
