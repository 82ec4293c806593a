using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>README "Logs": Logging:Console:FormatterName=json makes the gateway's console one JSON object per line.</summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class JsonLogTests(ITestOutputHelper output)
{
    [Fact(Timeout = 60_000)]
    public async Task Json_console_logs_are_one_object_per_line_with_event_ids()
    {
        await using (var gateway = await GatewayProcess.StartAsync(output, "gateway-test.yaml",
            new Dictionary<string, string> { ["TRUNK_PORT"] = "9", ["BACKUP_PORT"] = "9" },
            new Dictionary<string, string>
            {
                ["Logging:Console:FormatterName"] = "json",
                ["Logging:Console:FormatterOptions:TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ",
                ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
            }))
        {
            using var reloaded = await gateway.Http.PostAsync("api/v1/dialplan/reload", null); // a logged API action (4851) with who did it
            await Task.Delay(500);
            var lines = File.ReadAllLines(gateway.LogPath).Skip(1).Where(l => l.Length > 0 && !l.StartsWith("stderr:", StringComparison.Ordinal)).ToList();
            output.WriteLine(string.Join("\n", lines.Take(5)));
            Assert.NotEmpty(lines);
            var records = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList(); // every line is one JSON object
            Assert.All(records, r =>
            {
                Assert.NotNull(r["EventId"]);
                Assert.NotNull(r["LogLevel"]);
                Assert.NotNull(r["Category"]);
                Assert.NotNull(r["Message"]);
                Assert.True(DateTimeOffset.TryParse((string?)r["Timestamp"], out _), $"timestamp {r["Timestamp"]}");
            });
            Assert.Contains(records, r => (int?)r["EventId"] == 1001 && (string?)r["LogLevel"] == "Information"
                && ((string?)r["State"]?["Address"])?.StartsWith("http://127.0.0.1:", StringComparison.Ordinal) == true);
            var reload = records.First(r => (int?)r["EventId"] == 4851);
            Assert.Equal("client 127.0.0.1", (string?)reload["State"]!["Caller"]); // the message's fields are structured
        }
    }
}
