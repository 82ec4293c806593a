using System.Globalization;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>Reads the Prometheus text exposition format of GET /metrics: samples by name and labels, histogram quantiles.</summary>
public sealed class PrometheusText
{
    public sealed record Sample(string Name, string Labels, double Value);

    public IReadOnlyList<Sample> Samples { get; }

    public PrometheusText(string text)
    {
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var brace = line.IndexOf('{');
            var space = line.LastIndexOf(' ');
            if (space <= 0) continue;
            string name, labels = "";
            int valueStart;
            if (brace >= 0 && brace < space)
            {
                var close = line.LastIndexOf('}');
                if (close < brace) continue;
                name = line[..brace];
                labels = line[(brace + 1)..close];
                valueStart = close + 1;
            }
            else
            {
                var firstSpace = line.IndexOf(' ');
                name = line[..firstSpace];
                valueStart = firstSpace;
            }
            var valueText = line[valueStart..].Trim().Split(' ')[0];
            if (double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                || TryInfinity(valueText, out value))
                samples.Add(new Sample(name, labels, value));
        }
        Samples = samples;
    }

    private static bool TryInfinity(string text, out double value)
    {
        value = text switch { "+Inf" or "Inf" => double.PositiveInfinity, "-Inf" => double.NegativeInfinity, _ => double.NaN };
        return !double.IsNaN(value);
    }

    /// <summary>The sum of all samples of that name (over all label sets), or null when absent.</summary>
    public double? Value(string name)
    {
        var matching = Samples.Where(s => s.Name == name).ToList();
        return matching.Count == 0 ? null : matching.Sum(s => s.Value);
    }

    /// <summary>Cumulative histogram buckets (le, count) of <paramref name="name"/> summed over other labels, sorted by le.</summary>
    public IReadOnlyList<(double Le, double Count)> Buckets(string name) =>
        Samples.Where(s => s.Name == name + "_bucket")
            .Select(s => (Le: ParseLe(s.Labels), s.Value))
            .GroupBy(b => b.Le)
            .Select(g => (g.Key, g.Sum(b => b.Value)))
            .OrderBy(b => b.Key)
            .ToList();

    private static double ParseLe(string labels)
    {
        foreach (var part in labels.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim() == "le")
            {
                var text = kv[1].Trim().Trim('"');
                return TryInfinity(text, out var inf) ? inf : double.Parse(text, CultureInfo.InvariantCulture);
            }
        }
        return double.NaN;
    }

    /// <summary>The observations made between two scrapes: <paramref name="after"/> minus <paramref name="before"/>, bucket by bucket.</summary>
    public static IReadOnlyList<(double Le, double Count)> Delta(IReadOnlyList<(double Le, double Count)> before, IReadOnlyList<(double Le, double Count)> after) =>
        after.Select(b => (b.Le, b.Count - before.Where(p => p.Le == b.Le).Select(p => p.Count).FirstOrDefault())).ToList();

    /// <summary>
    /// The q-quantile as Prometheus' histogram_quantile computes it: linear interpolation inside the bucket holding the
    /// rank; if that is the +Inf bucket, the highest finite bound. Null without observations.
    /// </summary>
    public static double? Quantile(double q, IReadOnlyList<(double Le, double Count)> buckets)
    {
        if (buckets.Count == 0) return null;
        var total = buckets[^1].Count;
        if (total <= 0) return null;
        var rank = q * total;
        double previousLe = 0, previousCount = 0;
        foreach (var (le, count) in buckets)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(le)) return previousLe;
                var inBucket = count - previousCount;
                return inBucket <= 0 ? le : previousLe + (le - previousLe) * ((rank - previousCount) / inBucket);
            }
            previousLe = le;
            previousCount = count;
        }
        return previousLe;
    }
}
