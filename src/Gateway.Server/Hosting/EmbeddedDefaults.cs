using Microsoft.Extensions.Configuration.Memory;

namespace Gateway.Server.Hosting;

/// <summary>
/// The shipped appsettings.json, embedded in the assembly and inserted as the lowest-priority configuration source:
/// the gateway runs on its documented defaults whatever the working directory (the content root), and an appsettings.json
/// there, environment variables and the command line still override every key.
/// </summary>
internal static class EmbeddedDefaults
{
    public const string ResourceName = "appsettings.json";

    public static void AddEmbeddedDefaults(this ConfigurationManager configuration)
    {
        using var stream = typeof(EmbeddedDefaults).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null)
            return;
        // Flattened once into memory: a stream source could not be reloaded when the source list changes.
        var defaults = new ConfigurationBuilder().AddJsonStream(stream).Build();
        configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = defaults.AsEnumerable().Where(pair => pair.Value is not null).ToList(),
        });
    }
}
