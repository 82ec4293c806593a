using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Places many calls through the gateway from raw protocol clients (synthetic JSEP offers, no browser): each call
/// waits for the answer and hangs up right away. A few clients in parallel; bounded by a deadline.
/// </summary>
public static class CallBatch
{
    public sealed record Outcome(int Answered, int Failed, TimeSpan Elapsed, IReadOnlyList<string> Failures);

    /// <param name="pause">Idle time between two calls of one client (paces the offered load); none by default.</param>
    public static async Task<Outcome> RunAsync(Uri webSocket, string number, int calls, int parallel, TimeSpan deadline, TimeSpan? pause = null)
    {
        var next = -1;
        var answered = 0;
        var failed = 0;
        var failures = new List<string>();
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
                    await client.SendAsync(new { type = "call", id, to = number, sdp = SyntheticOffer.Create() });
                    var reply = await client.WaitForAsync(TimeSpan.FromSeconds(10), id, "answer", "hangup", "error");
                    client.ThrowOnConnectionError();
                    if ((string?)reply["type"] != "answer") throw new InvalidOperationException(reply.ToJsonString());
                    await client.SendAsync(new { type = "hangup", id });
                    var end = await client.WaitForAsync(TimeSpan.FromSeconds(10), id, "hangup");
                    if (Code(end) != 200) throw new InvalidOperationException("hangup confirmation " + end.ToJsonString());
                    Interlocked.Increment(ref answered);
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
        return new Outcome(answered, failed, watch.Elapsed, failures);
    }

    private static int Code(JsonObject message) => message["code"]?.GetValue<int>() ?? -1;
}
