namespace Gateway.Media.Transcoding;

/// <summary>Which Opus implementation the media plane uses (Media:OpusLibrary).</summary>
public enum OpusLibrary
{
    /// <summary>Native libopus when it loads (Debian: libopus0 + libopus-dev), the managed Concentus port otherwise.</summary>
    Auto,
    /// <summary>Always the managed Concentus port.</summary>
    Managed,
}

/// <summary>What <see cref="OpusLibrary"/> resolved to on this machine.</summary>
public enum OpusBackend { Native, Managed }
