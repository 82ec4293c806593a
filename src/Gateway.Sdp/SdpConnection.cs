namespace Gateway.Sdp;

/// <summary>c=&lt;nettype&gt; &lt;addrtype&gt; &lt;connection-address&gt; (RFC 8866 §5.7).</summary>
public sealed record SdpConnection(string NetworkType, string AddressType, string Address)
{
    /// <summary>RFC 2543 hold: c=0.0.0.0 (RFC 3264 §8.4 says to accept it as hold).</summary>
    public bool IsHoldAddress => Address is "0.0.0.0" or "::";

    public override string ToString() => NetworkType + " " + AddressType + " " + Address;

    public static SdpConnection ForAddress(string address) => new("IN", address.Contains(':') ? "IP6" : "IP4", address);

    public static bool TryParse(string value, out SdpConnection? connection)
    {
        connection = null;
        var parts = value.Split(' ');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0)) return false;
        connection = new SdpConnection(parts[0], parts[1], parts[2]);
        return true;
    }
}
