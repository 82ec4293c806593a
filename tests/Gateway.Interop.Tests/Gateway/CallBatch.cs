using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Places many calls through the gateway from raw protocol clients (synthetic JSEP offers, no browser): each call
/// waits for the answer and hangs up right away. A few clients in parallel; bounded by a deadline.
/// </summary>
public static class CallBatch
{
    /// <param name="SetupTimes">Per answered call, client "call" sent to "answer" received (gateway + trunk + both legs).</param>
    public sealed record Outcome(int Answered, int Failed, TimeSpan Elapsed, IReadOnlyList<string> Failures, IReadOnlyList<TimeSpan> SetupTimes)
    {
        /// <summary>The q-quantile of <see cref="SetupTimes"/> (nearest rank), or zero without answered calls.</summary>
        public TimeSpan SetupQuantile(double q)
        {
            if (SetupTimes.Count == 0) return TimeSpan.Zero;
            var sorted = SetupTimes.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
        }
    }

    /// <param name="pause">Idle time between two calls of one client (paces the offered load); none by default.</param>
    public static async Task<Outcome> RunAsync(Uri webSocket, string number, int calls, int parallel, TimeSpan deadline, TimeSpan? pause = null)
    {
        var next = -1;
        var answered = 0;
        var failed = 0;
        var failures = new List<string>();
        var setupTimes = new List<TimeSpan>();
        using var stop = new CancellationTokenSource(deadline);
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, parallel).Select(async worker =>
        {
            await using var client = await SignalingClient.ConnectAsync(webSocket);
            await client.WaitForAsync(TimeSpan.FromSeconds(10), null, "welcome");
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                if (n >= calls) return;
                var id = $"load-{worker}-{n}";
                try
                {
                    var offer = SyntheticOffer.Create();
                    var sent = Stopwatch.GetTimestamp();
                    await client.SendAsync(new { type = "call", id, to = number, sdp = offer });
                    var reply = await client.WaitForAsync(TimeSpan.FromSeconds(10), id, "answer", "hangup", "error");
                    var setup = Stopwatch.GetElapsedTime(sent);
                    client.ThrowOnConnectionError();
                    if ((string?)reply["type"] != "answer") throw new InvalidOperationException(reply.ToJsonString());
                    await client.SendAsync(new { type = "hangup", id });
                    var end = await client.WaitForAsync(TimeSpan.FromSeconds(10), id, "hangup");
                    if (Code(end) != 200) throw new InvalidOperationException("hangup confirmation " + end.ToJsonString());
                    Interlocked.Increment(ref answered);
                    lock (setupTimes) setupTimes.Add(setup);
                    if (pause is { } idle) await Task.Delay(idle);
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException)
                {
                    lock (failures) if (failures.Count < 20) failures.Add($"{id}: {e.Message.Split('\n')[0]}");
                    Interlocked.Increment(ref failed);
                    if (client.State != System.Net.WebSockets.WebSocketState.Open) return;
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        return new Outcome(answered, failed, watch.Elapsed, failures, setupTimes);
    }

    private static int Code(JsonObject message) => message["code"]?.GetValue<int>() ?? -1;
}
