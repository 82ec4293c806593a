using Microsoft.Extensions.Options;

namespace Gateway.Server.Registrar;

/// <summary>Startup validation of <see cref="RegistrarHostOptions"/> (ValidateOnStart).</summary>
internal sealed class RegistrarHostOptionsValidator : IValidateOptions<RegistrarHostOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistrarHostOptions o)
    {
        var errors = new List<string>();
        if (o.Domain.Any(c => char.IsWhiteSpace(c) || c is '@' or ':' or ';')) errors.Add("Registrar:Domain must be a host name");
        if (o.ParseAlgorithms() is null) errors.Add("Registrar:Algorithms entries must be SHA-256 or MD5");
        if (o.ParseSecret() is null) errors.Add("Registrar:NonceSecret must be base64 of at least 32 bytes (or empty: random at each start)");
        if (o.MaxBindings > 1_000_000) errors.Add("Registrar:MaxBindings must be at most 1000000");
        if (o.MaxContactsPerRequest > 100) errors.Add("Registrar:MaxContactsPerRequest must be at most 100");
        if (o.MaxExpires > TimeSpan.FromDays(1)) errors.Add("Registrar:MaxExpires must be at most 1.00:00:00");
        if (o.ToRegistrarOptions("gateway.local").Validate() is { } invalid) errors.Add("Registrar: " + invalid);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
