using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Shared;

/// <summary>The <c>[LoggerMessage]</c> event ids of an assembly that more than one log message uses (docs/logging.md).</summary>
public static class LogEventIds
{
    public static IReadOnlyList<string> Duplicates(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .GroupBy(x => x.Attribute!.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: " + string.Join(", ", g.Select(x => $"{x.Method.DeclaringType!.FullName}.{x.Method.Name}")))
            .ToList();
}
