using System.Net;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Admin;

/// <summary>Rejects on start what would silently weaken or break operator access: unparsable CIDRs, short or blank tokens.</summary>
internal sealed class AdminAccessOptionsValidator : IValidateOptions<AdminAccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminAccessOptions options)
    {
        var failures = new List<string>();
        foreach (var network in options.AllowedNetworks)
            if (!IPNetwork.TryParse(network, out _))
                failures.Add($"Admin:AllowedNetworks '{network}' is not an address range such as 10.0.0.0/8.");
        foreach (var token in options.Tokens)
            if (string.IsNullOrWhiteSpace(token) || token.Trim().Length < AdminAccessOptions.MinTokenLength)
                failures.Add($"Admin:Tokens entries must be at least {AdminAccessOptions.MinTokenLength} characters (e.g. openssl rand -base64 24).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
