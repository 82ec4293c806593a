using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Server.Signaling;

/// <summary>Typed, never-throwing access to fields of a client message; errors name the field and the rule.</summary>
internal static class JsonFields
{
    /// <summary>A string field; a missing or null field gives null with no error unless required.</summary>
    public static bool TryString(JsonObject obj, string name, bool required, out string? value, out string error)
    {
        value = null;
        error = "";
        if (!obj.TryGetPropertyValue(name, out var node) || node is null)
        {
            if (!required) return true;
            error = $"missing field '{name}'";
            return false;
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.TryGetValue(out string? s))
        {
            value = s;
            return true;
        }
        error = $"field '{name}' must be a string";
        return false;
    }

    /// <summary>An integer field within [min, max]; missing or null gives <paramref name="fallback"/>.</summary>
    public static bool TryInt(JsonObject obj, string name, int min, int max, int? fallback, out int? value, out string error)
    {
        value = fallback;
        error = "";
        if (!obj.TryGetPropertyValue(name, out var node) || node is null)
        {
            if (fallback is not null) return true;
            error = $"missing field '{name}'";
            return false;
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d)
            && d == Math.Floor(d) && d >= min && d <= max)
        {
            value = (int)d;
            return true;
        }
        error = $"field '{name}' must be an integer in [{min}, {max}]";
        return false;
    }

    /// <summary>An optional integer (null when missing or null).</summary>
    public static bool TryOptionalInt(JsonObject obj, string name, int min, int max, out int? value, out string error)
    {
        value = null;
        error = "";
        if (!obj.TryGetPropertyValue(name, out var node) || node is null) return true;
        return TryInt(obj, name, min, max, null, out value, out error);
    }

    /// <summary>A required id-like string: 1..maxLength visible ASCII characters.</summary>
    public static bool TryToken(JsonObject obj, string name, int maxLength, out string value, out string error)
    {
        value = "";
        if (!TryString(obj, name, true, out var s, out error)) return false;
        if (!SignalingGrammar.IsToken(s, maxLength))
        {
            error = $"field '{name}' must be 1 to {maxLength} visible ASCII characters";
            return false;
        }
        value = s!;
        return true;
    }
}
