using Microsoft.Extensions.Options;

namespace Gateway.Server.Recording;

/// <summary>Startup validation of <see cref="RecordingOptions"/> (ValidateOnStart).</summary>
internal sealed class RecordingOptionsValidator : IValidateOptions<RecordingOptions>
{
    public ValidateOptionsResult Validate(string? name, RecordingOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Folder)) errors.Add("Recording:Folder must name a folder");
        else if (o.Folder.IndexOfAny(Path.GetInvalidPathChars()) >= 0) errors.Add($"Recording:Folder '{o.Folder}' is not a valid path");
        if (o.MaxConcurrent is < 1 or > 100_000) errors.Add("Recording:MaxConcurrent must be in [1, 100000]");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
