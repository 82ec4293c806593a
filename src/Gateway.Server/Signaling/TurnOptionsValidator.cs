using Microsoft.Extensions.Options;

namespace Gateway.Server.Signaling;

/// <summary>Startup validation of <see cref="TurnOptions"/> (ValidateOnStart).</summary>
internal sealed class TurnOptionsValidator : IValidateOptions<TurnOptions>
{
    public ValidateOptionsResult Validate(string? name, TurnOptions o)
    {
        var errors = new List<string>();
        foreach (var url in o.Urls)
            if (!SignalingOptionsValidator.IceUrl(url, "turn:", "turns:"))
                errors.Add($"Turn:Urls entry '{url}' must start with turn: or turns:");
        if (o.Ttl < TimeSpan.FromMinutes(1) || o.Ttl > TimeSpan.FromDays(7))
            errors.Add($"Turn:Ttl must be between 00:01:00 and 7.00:00:00, got {o.Ttl}");
        if (o.Urls.Length > 0 && string.IsNullOrEmpty(o.Secret))
            errors.Add("Turn:Secret is required when Turn:Urls is set");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
