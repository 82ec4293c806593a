using Gateway.Tests.Shared;

namespace Gateway.Sip.Tests.Messages;

/// <summary>The RFC 4475 messages in tests/conformance/sip-torture, with their class from INDEX.tsv.</summary>
public static class TortureMessages
{
    public static string Folder => Conformance.PathOf("sip-torture");

    public static IReadOnlyList<(string Name, string Class, string Section)> Index { get; } = File
        .ReadAllLines(Path.Combine(Folder, "INDEX.tsv"))
        .Skip(1)
        .Where(l => l.Length > 0)
        .Select(l => l.Split('\t'))
        .Select(f => (f[0], f[1], f[2]))
        .ToArray();

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    public static TheoryData<string, string> OfClass(params string[] classes)
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, cls, section) in Index)
            if (classes.Contains(cls)) data.Add(name, section);
        return data;
    }
}
