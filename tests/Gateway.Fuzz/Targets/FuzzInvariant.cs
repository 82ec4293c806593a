namespace Gateway.Fuzz.Targets;

/// <summary>
/// A property a target checks on top of "does not throw" (a round trip, a consumed count): when broken, the fuzz loop
/// counts it as a crash like any exception escaping a parser.
/// </summary>
public static class FuzzInvariant
{
    public static void Check(bool condition, string what)
    {
        if (!condition) throw new FuzzInvariantException(what);
    }
}

public sealed class FuzzInvariantException(string message) : Exception(message);
