using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Server.Observability;

/// <summary>Source-generated camelCase serialization of <see cref="CallDetailRecord"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(CallDetailRecord))]
internal sealed partial class CdrJsonContext : JsonSerializerContext;
