using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Server.Observability;

/// <summary>Source-generated camelCase serialization of <see cref="CallDetailRecord"/>.</summary>
// NaN/Infinity (e.g. jitter of a call without RTP) are written as strings rather than failing the record.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(CallDetailRecord))]
internal sealed partial class CdrJsonContext : JsonSerializerContext;
