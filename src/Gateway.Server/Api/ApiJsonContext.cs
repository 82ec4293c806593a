using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Server.Calls;

namespace Gateway.Server.Api;

/// <summary>Source-generated camelCase JSON of the REST API's resources (first in the minimal APIs' resolver chain).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CallResource))]
[JsonSerializable(typeof(IReadOnlyList<CallResource>))]
[JsonSerializable(typeof(CallMediaSnapshot))]
[JsonSerializable(typeof(IReadOnlyList<TrunkResource>))]
[JsonSerializable(typeof(IReadOnlyList<RegistrationResource>))]
[JsonSerializable(typeof(DialplanCheckResource))]
[JsonSerializable(typeof(IReadOnlyList<DialplanDiagnosticResource>))]
[JsonSerializable(typeof(DialplanReloadRequest))]
[JsonSerializable(typeof(DrainResource))]
[JsonSerializable(typeof(CallRateResource))]
[JsonSerializable(typeof(OriginateCallRequest))]
[JsonSerializable(typeof(OriginatedCallResource))]
[JsonSerializable(typeof(CallbackEvent))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
