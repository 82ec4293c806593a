using Gateway.Media.Bridge;

namespace Gateway.Server.Observability;

/// <summary>The media plane's totals, read at scrape time from the <see cref="MediaEngine"/> if one is registered.</summary>
internal readonly record struct MediaTotals(long PacketsRelayed, long BytesRelayed, long DtlsFailures, long ActiveSessions)
{
    /// <summary>Zeros when no engine is registered or it is not implemented yet (the contract stub throws).</summary>
    public static MediaTotals Read(IServiceProvider services)
    {
        try
        {
            return services.GetService<MediaEngine>() is { } engine
                ? new(engine.PacketsRelayed, engine.BytesRelayed, engine.DtlsFailures, engine.ActiveSessions)
                : default;
        }
        catch (NotImplementedException)
        {
            return default;
        }
        catch (ObjectDisposedException)
        {
            return default; // scraped during shutdown
        }
    }
}
