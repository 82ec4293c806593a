namespace Gateway.Media.Rtp;

/// <summary>
/// Iterates RFC 8285 header extension elements. One-byte form (profile 0xBEDE, §4.2): ID(4) L(4) with
/// length L+1, ID 15 stops parsing; two-byte form (0x100x, §4.3): ID(8) L(8). Zero bytes are padding.
/// </summary>
public ref struct RtpExtensionReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly bool _oneByte;
    private readonly bool _twoByte;
    private int _pos;

    public RtpExtensionReader(ushort profile, ReadOnlySpan<byte> data)
    {
        _data = data;
        _oneByte = profile == 0xBEDE;
        _twoByte = (profile & 0xFFF0) == 0x1000;
        _pos = 0;
    }

    /// <summary>Reads the next element; false at the end or on a malformed element.</summary>
    public bool TryReadNext(out int id, out ReadOnlySpan<byte> value)
    {
        id = 0; value = default;
        if (!_oneByte && !_twoByte) return false;
        while (_pos < _data.Length && _data[_pos] == 0) _pos++; // padding
        if (_pos >= _data.Length) return false;
        int len;
        if (_oneByte)
        {
            id = _data[_pos] >> 4;
            if (id == 15) { _pos = _data.Length; return false; }
            len = (_data[_pos] & 0x0F) + 1;
            _pos += 1;
        }
        else
        {
            if (_pos + 2 > _data.Length) return false;
            id = _data[_pos];
            len = _data[_pos + 1];
            _pos += 2;
        }
        if (_pos + len > _data.Length) { _pos = _data.Length; return false; }
        value = _data.Slice(_pos, len);
        _pos += len;
        return true;
    }

    /// <summary>Finds the element with <paramref name="wantedId"/>.</summary>
    public bool TryFind(int wantedId, out ReadOnlySpan<byte> value)
    {
        while (TryReadNext(out int id, out value))
            if (id == wantedId) return true;
        value = default;
        return false;
    }
}
