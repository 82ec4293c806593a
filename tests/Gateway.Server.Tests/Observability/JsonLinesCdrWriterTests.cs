using System.Text.Json;
using Gateway.Server.Observability;
using Gateway.Server.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Observability;

public sealed class JsonLinesCdrWriterTests : IDisposable
{
    private readonly string _dir = TempDirectory.Create();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public JsonLinesCdrWriterTests() => _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs));

    public void Dispose()
    {
        _loggerFactory.Dispose();
        TempDirectory.Delete(_dir);
    }

    private static CallDetailRecord Record(string id, DateTimeOffset? answer = null) => new(
        CallId: id, Direction: "outbound", Start: new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), Answer: answer,
        End: new DateTimeOffset(2026, 11, 25, 8, 1, 0, TimeSpan.Zero), From: "web:alice", To: "+441632960000",
        Route: "everything-else", Trunk: "pstn", Cause: 200, Reason: "Normal", DurationSeconds: answer is null ? 0 : 55.5,
        PacketsToWeb: 2775, PacketsToSip: 2770, PacketsLost: 3, JitterMs: 1.25);

    private JsonLinesCdrWriter Writer(string path, int capacity = 100) =>
        new(path, capacity, _loggerFactory.CreateLogger<JsonLinesCdrWriter>());

    [Fact]
    public async Task Writes_one_camel_case_json_object_per_line_flushed_as_it_goes()
    {
        var path = Path.Combine(_dir, "sub", "cdr.jsonl");
        await using var writer = Writer(path);
        await writer.StartAsync(CancellationToken.None);

        writer.Write(Record("c1", answer: new DateTimeOffset(2026, 11, 25, 8, 0, 4, 500, TimeSpan.Zero)));
        // Flushed per line: visible before the writer stops.
        await WaitUntil(() => File.Exists(path) && ReadShared(path).EndsWith('\n'));
        writer.Write(Record("c2"));
        writer.Write(Record("c3"));
        await writer.StopAsync(CancellationToken.None);

        var lines = File.ReadAllLines(path);
        Assert.Equal(3, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        var root = first.RootElement;
        Assert.Equal("c1", root.GetProperty("callId").GetString());
        Assert.Equal("outbound", root.GetProperty("direction").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 0, 4, 500, TimeSpan.Zero), root.GetProperty("answer").GetDateTimeOffset());
        Assert.Equal(55.5, root.GetProperty("durationSeconds").GetDouble());
        Assert.Equal(2775, root.GetProperty("packetsToWeb").GetInt64());
        Assert.Equal(200, root.GetProperty("cause").GetInt32());
        Assert.Equal(1.25, root.GetProperty("jitterMs").GetDouble());
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal("c2", second.RootElement.GetProperty("callId").GetString());
        Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("answer").ValueKind);
        Assert.Equal(0, writer.Dropped);
    }

    [Fact]
    public async Task Non_finite_numbers_are_written_as_strings_and_the_next_record_still_goes_out()
    {
        var path = Path.Combine(_dir, "cdr.jsonl");
        await using (var writer = Writer(path))
        {
            await writer.StartAsync(CancellationToken.None);
            writer.Write(Record("nan") with { JitterMs = double.NaN, DurationSeconds = double.PositiveInfinity });
            writer.Write(Record("after"));
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal("NaN", first.RootElement.GetProperty("jitterMs").GetString());
        Assert.Contains("\"callId\":\"after\"", lines[1]);
    }

    [Fact]
    public async Task Appends_to_an_existing_file()
    {
        var path = Path.Combine(_dir, "cdr.jsonl");
        await File.WriteAllTextAsync(path, "{\"callId\":\"old\"}\n");
        await using (var writer = Writer(path))
        {
            await writer.StartAsync(CancellationToken.None);
            writer.Write(Record("new"));
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"callId\":\"new\"", lines[1]);
    }

    [Fact]
    public async Task An_unwritable_path_is_logged_and_never_throws_into_the_caller()
    {
        var blocker = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(blocker, "x");
        var path = Path.Combine(blocker, "cdr.jsonl"); // a directory that cannot exist, even for root
        await using var writer = Writer(path);
        await writer.StartAsync(CancellationToken.None);

        for (var i = 0; i < 5; i++)
            writer.Write(Record("c" + i));
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(5, writer.Dropped);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(path));
        Assert.Single(_logs.Entries, e => e.Level == LogLevel.Error); // rate limited
    }

    [Fact]
    public async Task A_full_queue_drops_records_instead_of_blocking()
    {
        var path = Path.Combine(_dir, "cdr.jsonl");
        await using var writer = Writer(path, capacity: 2); // not started: nothing drains the queue

        for (var i = 0; i < 5; i++)
            writer.Write(Record("c" + i));

        Assert.Equal(3, writer.Dropped);
    }

    [Fact]
    public async Task Registered_from_configuration_relative_to_the_content_root()
    {
        CallDetailRecord record = Record("via-di");
        string root;
        await using (var host = await TestGatewayHost.StartAsync())
        {
            root = host.ContentRoot;
            var writer = Assert.IsType<JsonLinesCdrWriter>(host.App.Services.GetRequiredService<ICdrWriter>());
            Assert.Equal(Path.Combine(root, "cdr.jsonl"), writer.FilePath);
            writer.Write(record);
            await host.App.StopAsync(); // drains the queue
            Assert.Contains("\"callId\":\"via-di\"", await File.ReadAllTextAsync(writer.FilePath));
        }

        await using var disabled = await TestGatewayHost.StartAsync(new Dictionary<string, string?> { ["Cdr:Path"] = "" });
        Assert.IsType<NullCdrWriter>(disabled.App.Services.GetRequiredService<ICdrWriter>());
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20);
        }
    }
}
