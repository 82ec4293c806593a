using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Signaling;

/// <summary>
/// Browser-to-browser rooms (protocol.md "Rooms"): join/leave/signal. Messages go only to members of the room;
/// signal goes only to the addressed peer.
/// </summary>
internal sealed class RoomRegistry(IOptions<SignalingOptions> options)
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly Lock _gate = new(); // joins and leaves are rare next to signals; one lock keeps rooms consistent

    public int RoomCount => _rooms.Count;

    public void Join(WebSession session, string room)
    {
        List<WebSession> others;
        lock (_gate)
        {
            if (session.Rooms.Contains(room)) { session.SendError(null, SignalingErrorCodes.Conflict, $"already in room '{room}'"); return; }
            if (session.Rooms.Count >= options.Value.MaxRoomsPerSession)
            {
                session.SendError(null, SignalingErrorCodes.Conflict, $"at most {options.Value.MaxRoomsPerSession} rooms per connection");
                return;
            }
            var r = _rooms.GetOrAdd(room, _ => new Room());
            if (r.Members.Count >= options.Value.RoomCapacity)
            {
                session.Send(new JsonObject { ["type"] = "full", ["room"] = room });
                return;
            }
            others = [.. r.Members.Values];
            r.Members[session.PeerId] = session;
            session.Rooms.Add(room);
        }
        var peers = new JsonArray();
        foreach (var o in others) peers.Add(o.PeerId);
        session.Send(new JsonObject { ["type"] = "joined", ["room"] = room, ["peer"] = session.PeerId, ["peers"] = peers });
        foreach (var o in others)
            o.Send(new JsonObject { ["type"] = "peer-joined", ["room"] = room, ["peer"] = session.PeerId });
    }

    /// <summary>Leaves one room; false when the session is not in it.</summary>
    public bool Leave(WebSession session, string room)
    {
        List<WebSession> others;
        lock (_gate)
        {
            if (!session.Rooms.Remove(room) || !_rooms.TryGetValue(room, out var r)) return false;
            r.Members.Remove(session.PeerId);
            if (r.Members.Count == 0) _rooms.TryRemove(room, out _);
            others = [.. r.Members.Values];
        }
        foreach (var o in others)
            o.Send(new JsonObject { ["type"] = "peer-left", ["room"] = room, ["peer"] = session.PeerId });
        return true;
    }

    public void LeaveAll(WebSession session)
    {
        string[] rooms;
        lock (_gate) rooms = [.. session.Rooms];
        foreach (var room in rooms) Leave(session, room);
    }

    /// <summary>Relays data to one peer of the room, as {"type":"signal","room","from","data"}.</summary>
    public void Signal(WebSession session, string room, string to, JsonNode? data)
    {
        WebSession? target = null;
        bool inRoom;
        lock (_gate)
        {
            inRoom = session.Rooms.Contains(room);
            if (inRoom && _rooms.TryGetValue(room, out var r)) r.Members.TryGetValue(to, out target);
        }
        if (!inRoom) { session.SendError(null, SignalingErrorCodes.NotFound, $"not in room '{room}'"); return; }
        if (target is null) { session.SendError(null, SignalingErrorCodes.NotFound, $"no peer '{to}' in room '{room}'"); return; }
        target.Send(new JsonObject { ["type"] = "signal", ["room"] = room, ["from"] = session.PeerId, ["data"] = data });
    }

    private sealed class Room
    {
        public Dictionary<string, WebSession> Members { get; } = new(StringComparer.Ordinal);
    }
}
