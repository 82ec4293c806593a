using System.Runtime.InteropServices;

namespace Gateway.Media.Net.Batched;

/// <summary>
/// The Linux system calls of the batched media path, from libc: epoll(7), recvmmsg(2), sendmmsg(2), eventfd(2),
/// nanosleep(2). Structures are laid out by hand for 64-bit Linux (x64 and arm64 share the generic ABI except
/// <c>struct epoll_event</c>, which x64 packs to 12 bytes).
/// </summary>
internal static unsafe partial class LinuxSockets
{
    private const string Libc = "libc";

    public const int EpollCloexec = 0x80000;
    public const int EpollCtlAdd = 1, EpollCtlDel = 2;
    public const uint EpollIn = 0x001;
    public const int MsgTrunc = 0x20, MsgDontWait = 0x40;
    public const int EfdCloexec = 0x80000, EfdNonBlock = 0x800;
    public const int EIntr = 4, EAgain = 11, EBadF = 9;

    /// <summary><c>struct epoll_event</c>: 12 bytes packed on x64, 16 on arm64; data follows events.</summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    public static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    /// <summary>Batched I/O is built for 64-bit Linux on x64 and arm64 only.</summary>
    public static bool Supported => OperatingSystem.IsLinux() && Environment.Is64BitProcess &&
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary><c>struct mmsghdr</c>: a 56-byte <c>struct msghdr</c> (msg_flags padded to 8) and the byte count the call filled in.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    public struct MMsgHdr
    {
        [FieldOffset(0)] public void* Name;
        [FieldOffset(8)] public uint NameLength;
        [FieldOffset(16)] public IoVec* Iov;
        [FieldOffset(24)] public nuint IovLength;
        [FieldOffset(32)] public void* Control;
        [FieldOffset(40)] public nuint ControlLength;
        [FieldOffset(48)] public int Flags;
        [FieldOffset(56)] public uint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport(Libc, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport(Libc, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, byte* ev);

    [LibraryImport(Libc, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeoutMs);

    [LibraryImport(Libc, EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMMsg(int fd, MMsgHdr* messages, uint count, int flags, TimeSpec* timeout);

    [LibraryImport(Libc, EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMMsg(int fd, MMsgHdr* messages, uint count, int flags);

    [LibraryImport(Libc, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "nanosleep", SetLastError = true)]
    public static partial int NanoSleep(TimeSpec* request, TimeSpec* remaining);

    /// <summary>Registers <paramref name="fd"/> for readability (level-triggered) with <paramref name="data"/> as its tag.</summary>
    public static int EpollAdd(int epfd, int fd, ulong data)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = EpollIn;
        *(ulong*)(ev + EpollDataOffset) = data;
        return EpollCtl(epfd, EpollCtlAdd, fd, ev);
    }

    public static int EpollRemove(int epfd, int fd)
    {
        byte* ev = stackalloc byte[16]; // kernels before 2.6.9 wanted a non-null event for DEL
        return EpollCtl(epfd, EpollCtlDel, fd, ev);
    }

    public static ulong EventData(byte* events, int index) => *(ulong*)(events + index * EpollEventSize + EpollDataOffset);

    public static void SleepMicroseconds(long microseconds)
    {
        var ts = new TimeSpec { Seconds = microseconds / 1_000_000, Nanoseconds = microseconds % 1_000_000 * 1000 };
        NanoSleep(&ts, null);
    }
}
