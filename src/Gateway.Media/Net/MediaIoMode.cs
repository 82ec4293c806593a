namespace Gateway.Media.Net;

/// <summary>How the media plane reads and writes its UDP sockets (<c>Media:IoMode</c>).</summary>
public enum MediaIoMode
{
    /// <summary><see cref="Batched"/> on 64-bit Linux (x64, arm64), <see cref="Portable"/> elsewhere.</summary>
    Auto,
    /// <summary>A few media threads, each owning an epoll set of sockets: <c>recvmmsg</c> until the sockets are empty, one
    /// <c>sendmmsg</c> per socket for what a pass produced, and at most one wake-up per <c>Media:IoTick</c> under load.
    /// Linux only.</summary>
    Batched,
    /// <summary>One asynchronous receive loop per socket and one <c>sendto</c> per packet (any OS).</summary>
    Portable,
}
