using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Server.Tests.Observability;

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, enough to check what the gateway renders:
/// every sample belongs to a family announced by one HELP and one TYPE line before it, names and labels are well formed,
/// values are numbers.
/// </summary>
internal sealed partial class PrometheusText
{
    public Dictionary<string, string> Types { get; } = [];
    public Dictionary<string, string> Help { get; } = [];
    public List<(string Name, Dictionary<string, string> Labels, double Value)> Samples { get; } = [];

    public static PrometheusText Parse(string text)
    {
        Assert.EndsWith("\n", text);
        var result = new PrometheusText();
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ', 2);
                Assert.Matches(MetricName(), parts[0]);
                Assert.True(result.Help.TryAdd(parts[0], parts.Length > 1 ? parts[1] : ""), "duplicate HELP " + parts[0]);
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Assert.Equal(2, parts.Length);
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.True(result.Help.ContainsKey(parts[0]), "TYPE before HELP for " + parts[0]);
                Assert.True(result.Types.TryAdd(parts[0], parts[1]), "duplicate TYPE " + parts[0]);
                continue;
            }
            Assert.False(line.StartsWith('#'), "unexpected comment: " + line);
            var match = SampleLine().Match(line);
            Assert.True(match.Success, "malformed sample line: " + line);
            var name = match.Groups["name"].Value;
            var labels = new Dictionary<string, string>();
            foreach (Match label in Label().Matches(match.Groups["labels"].Value))
                labels.Add(label.Groups[1].Value, label.Groups[2].Value);
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            Assert.True(result.Types.ContainsKey(FamilyOf(name, result.Types)), "sample without TYPE: " + line);
            result.Samples.Add((name, labels, value));
        }
        return result;
    }

    public double Value(string name, string? label = null, string? labelValue = null) =>
        Samples.Single(s => s.Name == name && (label is null || s.Labels.GetValueOrDefault(label) == labelValue)).Value;

    private static string FamilyOf(string sample, Dictionary<string, string> types)
    {
        if (types.ContainsKey(sample))
            return sample;
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            if (sample.EndsWith(suffix, StringComparison.Ordinal) && types.GetValueOrDefault(sample[..^suffix.Length]) == "histogram")
                return sample[..^suffix.Length];
        return sample;
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[a-zA-Z_][a-zA-Z0-9_]*=""[^""\\\n]*""(,[a-zA-Z_][a-zA-Z0-9_]*=""[^""\\\n]*"")*)\})? (?<value>[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|[-+]Inf|NaN)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""([^""]*)""")]
    private static partial Regex Label();
}
