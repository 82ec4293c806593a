using Gateway.Media.Recording;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Recording;

/// <summary>The call recorder: one <see cref="MediaRecorder"/> for the process (the container disposes it, closing open files).</summary>
internal static class RecordingSetup
{
    public static IServiceCollection AddGatewayRecording(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RecordingOptions>().Bind(configuration.GetSection(RecordingOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecordingOptions>, RecordingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RecordingOptions>>().Value;
            return new MediaRecorder(o.Folder, o.MaxConcurrent, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MediaRecorder>>());
        });
        return services;
    }

    /// <summary>The file name of a call's recording: its UTC start and call id, with anything but [A-Za-z0-9._-] replaced.</summary>
    public static string FileName(DateTimeOffset start, string callId)
    {
        Span<char> id = stackalloc char[Math.Min(callId.Length, 64)];
        for (int i = 0; i < id.Length; i++) id[i] = char.IsAsciiLetterOrDigit(callId[i]) || callId[i] is '.' or '_' or '-' ? callId[i] : '_';
        return $"{start.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{id}.wav";
    }
}
