using System.Net;
using System.Runtime.InteropServices;
using static Gateway.Media.Net.Batched.LinuxSockets;

namespace Gateway.Media.Net.Batched;

/// <summary>
/// Native memory for one <c>recvmmsg</c>/<c>sendmmsg</c> vector: per slot a <c>struct mmsghdr</c>, one <c>iovec</c>, a
/// datagram buffer and a <c>sockaddr_storage</c>. Allocated once per media thread (never moved by the GC, nothing
/// allocated per packet); used by that thread only.
/// </summary>
internal sealed unsafe class MessageBatch : IDisposable
{
    /// <summary><c>sizeof(struct sockaddr_storage)</c>.</summary>
    public const int AddressBytes = 128;

    private readonly byte* _memory;
    private readonly IoVec* _iov;
    private readonly byte* _buffers;
    private readonly byte* _names;

    public MessageBatch(int capacity, int slotBytes)
    {
        Capacity = capacity;
        SlotBytes = slotBytes;
        nuint headers = (nuint)(capacity * sizeof(MMsgHdr)), iovs = (nuint)(capacity * sizeof(IoVec));
        nuint total = headers + iovs + (nuint)(capacity * AddressBytes) + (nuint)(capacity * slotBytes);
        _memory = (byte*)NativeMemory.AlignedAlloc(total, 64);
        NativeMemory.Clear(_memory, total);
        Headers = (MMsgHdr*)_memory;
        _iov = (IoVec*)(_memory + headers);
        _names = _memory + headers + iovs;
        _buffers = _names + capacity * AddressBytes;
        for (int i = 0; i < capacity; i++)
        {
            _iov[i].Base = _buffers + (nint)i * slotBytes;
            Headers[i].Iov = &_iov[i];
            Headers[i].IovLength = 1;
            Headers[i].Name = _names + i * AddressBytes;
        }
    }

    public int Capacity { get; }
    public int SlotBytes { get; }
    public MMsgHdr* Headers { get; }

    /// <summary>The whole buffer of slot <paramref name="index"/> (datagram plus headroom), writable in place.</summary>
    public Span<byte> Buffer(int index) => new(_buffers + (nint)index * SlotBytes, SlotBytes);

    /// <summary>Before a <c>recvmmsg</c>: each slot takes up to <paramref name="receiveLength"/> bytes and any address.</summary>
    public void ArmForReceive(int count, int receiveLength)
    {
        for (int i = 0; i < count; i++)
        {
            _iov[i].Length = (nuint)receiveLength;
            Headers[i].NameLength = AddressBytes;
            Headers[i].Flags = 0;
            Headers[i].Length = 0;
        }
    }

    /// <summary>Copies the source address the kernel wrote for slot <paramref name="index"/> into <paramref name="into"/>.</summary>
    public void ReadAddress(int index, SocketAddress into)
    {
        int length = (int)Math.Min(Headers[index].NameLength, (uint)into.Buffer.Length);
        new ReadOnlySpan<byte>(Headers[index].Name, length).CopyTo(into.Buffer.Span);
        into.Size = length;
    }

    /// <summary>Fills slot <paramref name="index"/> with a datagram to send to <paramref name="to"/>; false if it does not fit.</summary>
    public bool Write(int index, ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        if (datagram.Length > SlotBytes || to.Size > AddressBytes) return false;
        datagram.CopyTo(Buffer(index));
        to.Buffer.Span[..to.Size].CopyTo(new Span<byte>(Headers[index].Name, AddressBytes));
        _iov[index].Length = (nuint)datagram.Length;
        Headers[index].NameLength = (uint)to.Size;
        Headers[index].Flags = 0;
        return true;
    }

    public void Dispose() => NativeMemory.AlignedFree(_memory);
}
