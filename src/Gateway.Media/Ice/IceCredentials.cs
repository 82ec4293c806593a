using System.Security.Cryptography;

namespace Gateway.Media.Ice;

/// <summary>ICE username fragment and password (RFC 8445 §5.3; RFC 8839 §5.4: ufrag ≥ 4 and pwd ≥ 22 ice-chars).</summary>
public sealed record IceCredentials(string Ufrag, string Password)
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Random credentials: 8-char ufrag (48 bits) and 24-char password (144 bits).</summary>
    public static IceCredentials Generate() =>
        new(RandomNumberGenerator.GetString(IceChars, 8), RandomNumberGenerator.GetString(IceChars, 24));
}
