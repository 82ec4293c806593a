using Gateway.Server.Calls;

namespace Gateway.Server.Tests.Calls;

public sealed class CallMailboxTests
{
    private sealed record Outside(int N) : CallEvent;
    private sealed record Inside(int N) : CallEvent.Internal;

    [Fact]
    public void Events_posted_by_a_handler_run_after_it_in_order_never_inside_it()
    {
        var log = new List<string>();
        CallMailbox? box = null;
        box = new CallMailbox(e =>
        {
            var n = ((Outside)e).N;
            log.Add("begin " + n);
            if (n == 1) { box!.Post(new Outside(2)); box.Post(new Outside(3)); }
            log.Add("end " + n);
        });

        box.Post(new Outside(1));

        Assert.Equal(["begin 1", "end 1", "begin 2", "end 2", "begin 3", "end 3"], log);
    }

    [Fact]
    public async Task Posts_from_many_threads_are_handled_one_at_a_time()
    {
        var inside = 0;
        var overlaps = 0;
        var handled = 0;
        var box = new CallMailbox(_ =>
        {
            if (Interlocked.Increment(ref inside) > 1) Interlocked.Increment(ref overlaps);
            Thread.SpinWait(50);
            Interlocked.Decrement(ref inside);
            Interlocked.Increment(ref handled);
        });

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++) box.Post(new Inside(i));
        })));

        Assert.Equal(0, overlaps);
        Assert.Equal(8 * 500, handled);
    }

    [Fact]
    public void A_flood_is_refused_past_the_capacity_but_the_calls_own_events_never_are()
    {
        var handled = 0;
        var box = new CallMailbox(_ => handled++);
        box.Hold();

        for (var i = 0; i < CallMailbox.Capacity; i++) Assert.True(box.Post(new Outside(i)));
        Assert.False(box.Post(new Outside(-1)));
        Assert.True(box.Post(new Inside(0)));
        box.Release();

        Assert.Equal(CallMailbox.Capacity + 1, handled);
        Assert.True(box.Post(new Outside(0)));
    }

    [Fact]
    public void A_held_mailbox_keeps_its_events_in_order_until_released()
    {
        var log = new List<int>();
        var box = new CallMailbox(e => log.Add(((Outside)e).N));
        box.Hold();
        box.Post(new Outside(1));
        box.Post(new Outside(2));

        Assert.Empty(log);
        Assert.Equal(2, box.Pending.Count);
        box.Release();
        Assert.Equal([1, 2], log);
    }

    [Fact]
    public void Running_what_is_queued_keeps_the_mailbox_held_for_what_comes_after()
    {
        var log = new List<int>();
        var box = new CallMailbox(e => log.Add(((Outside)e).N));
        box.Hold();
        box.Post(new Outside(1));
        box.Post(new Outside(2));

        box.RunQueued();
        box.Post(new Outside(3));

        Assert.Equal([1, 2], log);
        box.Release();
        Assert.Equal([1, 2, 3], log);
    }
}
