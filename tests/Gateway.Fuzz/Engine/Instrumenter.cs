namespace Gateway.Fuzz.Engine;

/// <summary>
/// Adds SharpFuzz's AFL edge instrumentation to the Gateway assemblies of a build output copy (never the build output
/// itself: an instrumented assembly cannot run outside a fuzzer, and instrumenting twice fails). Only Gateway types are
/// instrumented, so the map measures our parsers, not the runtime.
/// </summary>
public static class Instrumenter
{
    private static readonly string[] Assemblies = ["Gateway.Sip.dll", "Gateway.Sdp.dll", "Gateway.Media.dll", "gateway.dll"];

    public static int Instrument(string directory)
    {
        foreach (var name in Assemblies)
        {
            var path = Path.Combine(directory, name);
            var marker = path + ".instrumented";
            if (File.Exists(marker) && File.GetLastWriteTimeUtc(marker) >= File.GetLastWriteTimeUtc(path)) continue;
            var types = SharpFuzz.Fuzzer.Instrument(path, type => type.StartsWith("Gateway.", StringComparison.Ordinal), SharpFuzz.Options.Value).Count();
            File.WriteAllText(marker, $"{types} types\n");
            Console.WriteLine($"instrumented {name}: {types} types");
        }
        return 0;
    }
}
