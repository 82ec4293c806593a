namespace Gateway.Fuzz.Engine;

/// <summary>Runs one input through a target; a target throws only on a crash (see <c>Targets/FuzzInvariant.cs</c>).</summary>
public delegate void FuzzAction(ReadOnlySpan<byte> input);

/// <summary>
/// A fuzz target: its name (also its corpus folder, <c>tests/fuzz/&lt;name&gt;/</c>), the entry point, the largest input
/// worth trying and the tokens its grammar is made of, which the mutator inserts (as AFL's dictionaries do).
/// </summary>
public sealed record FuzzTarget(string Name, FuzzAction Run, int MaxLength, IReadOnlyList<byte[]> Dictionary);
