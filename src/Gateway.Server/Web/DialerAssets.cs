using System.Collections.Frozen;
using System.Reflection;

namespace Gateway.Server.Web;

/// <summary>
/// The web dialer's files (wwwroot/index.html, dialer.css, dialer.js), embedded in the assembly so the page is served the same
/// whatever the working directory: <c>dotnet run --project src/Gateway.Server</c> from the repo root, a published build, a container.
/// </summary>
internal sealed class DialerAssets
{
    private const string Prefix = "wwwroot/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
    };

    private readonly FrozenDictionary<string, Asset> _assets;

    public DialerAssets() : this(typeof(DialerAssets).Assembly) { }

    internal DialerAssets(Assembly assembly)
    {
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
                continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var file = name[Prefix.Length..];
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
            assets["/" + file] = new Asset(copy.ToArray(), type);
        }
        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<string> Paths => _assets.Keys;

    public Asset? Find(string path) => _assets.GetValueOrDefault(path == "/" ? "/index.html" : path);

    internal sealed record Asset(byte[] Content, string ContentType);
}
