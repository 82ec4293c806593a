using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Dialplan;

/// <summary>
/// Holds the active dialplan and reloads it when its file changes: the new file is validated first and
/// swapped in with one reference write, so a router never sees a half-loaded plan; calls in progress keep
/// the decision they already got. A file with errors is refused and the old plan stays active.
/// </summary>
public sealed partial class DialplanWatcher : IDisposable
{
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _debounce;
    private CompiledDialplan _current;

    private DialplanWatcher(string path, CompiledDialplan initial, ILogger logger, bool watch)
    {
        _path = Path.GetFullPath(path);
        _current = initial;
        _logger = logger;
        _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        if (!watch) return;
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!, Path.GetFileName(_path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size,
        };
        _watcher.Changed += (_, _) => _debounce.Change(200, Timeout.Infinite);
        _watcher.Created += (_, _) => _debounce.Change(200, Timeout.Infinite);
        _watcher.Renamed += (_, _) => _debounce.Change(200, Timeout.Infinite);
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>The plan to route with now.</summary>
    public CompiledDialplan Current => Volatile.Read(ref _current);

    /// <summary>Raised after a new plan is active.</summary>
    public event Action<CompiledDialplan>? Reloaded;

    /// <summary>Loads the file (refusing to start on errors) and, when <paramref name="watch"/> is set, follows its changes.</summary>
    public static DialplanWatcher Start(string path, ILogger? logger = null, bool watch = true)
    {
        var result = DialplanLoader.LoadFile(path);
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join("\n", result.Errors));
        return new DialplanWatcher(path, result.Plan!, logger ?? NullLogger.Instance, watch);
    }

    /// <summary>The dialplan file (full path).</summary>
    public string FilePath => _path;

    /// <summary>Validates the file and swaps it in; returns false (old plan kept) when it has errors.</summary>
    public bool Reload() => ReloadWithDiagnostics().Succeeded;

    /// <summary><see cref="Reload"/>, returning the check's result (its diagnostics with file:line) for the operators' API.</summary>
    public DialplanLoader.Result ReloadWithDiagnostics()
    {
        var result = DialplanLoader.LoadFile(_path);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors) LogRefused(_logger, error.ToString());
            return result;
        }
        Volatile.Write(ref _current, result.Plan!);
        LogReloaded(_logger, _path, result.Plan!.RouteCount);
        Reloaded?.Invoke(result.Plan!);
        return result;
    }

    [LoggerMessage(2001, LogLevel.Information, "Dialplan {Path} reloaded: {Routes} routes active")]
    private static partial void LogReloaded(ILogger logger, string path, int routes);

    [LoggerMessage(2002, LogLevel.Error, "Dialplan change refused, the previous plan stays active: {Error}")]
    private static partial void LogRefused(ILogger logger, string error);

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce.Dispose();
    }
}
