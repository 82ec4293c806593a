using Gateway.Tests.Shared;

namespace Gateway.Sdp.Tests;

/// <summary>The real and written SDPs in tests/conformance/sdp.</summary>
public static class ConformanceSdps
{
    public static string Folder => Conformance.PathOf("sdp");

    public static string Text(string name) => File.ReadAllText(Path.Combine(Folder, name));

    public static SessionDescription Parse(string name)
    {
        Assert.True(SessionDescription.TryParse(Text(name), out var sdp, out var error), $"{name}: {error}");
        return sdp!;
    }

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.sdp").Order()) data.Add(Path.GetFileName(file));
        return data;
    }
}
