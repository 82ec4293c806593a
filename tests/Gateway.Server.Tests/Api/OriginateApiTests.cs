using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Server.Calls;

namespace Gateway.Server.Tests.Api;

/// <summary>POST /api/v1/calls: 201 + Location, validation problems per field, refusals as problems, callback POSTs.</summary>
public sealed class OriginateApiTests
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_valid_request_is_201_with_the_location_of_the_call()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();

        using var response = await client.PostAsync("/api/v1/calls", Json("""{"to":" +441632960000 ","user":"alice"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/v1/calls/k7-xy", response.Headers.Location?.ToString());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(("k7-xy", "+441632960000", "alice", "out"), ((string?)body["id"], (string?)body["to"], (string?)body["user"], (string?)body["route"]));
        var (request, by, sink) = Assert.Single(api.Originator.Requests);
        Assert.Equal(new OriginateRequest("+441632960000", "alice"), request);
        Assert.StartsWith("token sha256:", by);
        Assert.Null(sink); // no callbackUrl
        Assert.Contains(api.Host.Logs.Entries, e => e.Message == $"API: call k7-xy originated to +441632960000 for web user alice by {by}"); // who did it (4855)
    }

    [Theory]
    [InlineData("echo")]
    [InlineData("conference sales")]
    [InlineData("playback prompts/welcome.wav")]
    public async Task An_app_instead_of_a_user_is_201_and_passed_on(string app)
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();

        using var response = await client.PostAsync("/api/v1/calls", Json($$"""{"to":"+441632960000","app":" {{app}} "}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((app, null), ((string?)body["app"], (string?)body["user"]));
        Assert.Equal(new OriginateRequest("+441632960000", null, app), Assert.Single(api.Originator.Requests).Request);
    }

    [Fact]
    public async Task A_phone_instead_of_a_user_is_201_and_passed_on()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();

        using var response = await client.PostAsync("/api/v1/calls", Json("""{"to":"+441632960000","phone":"bob"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(("bob", null, null), ((string?)body["phone"], (string?)body["user"], (string?)body["app"]));
        Assert.Equal(new OriginateRequest("+441632960000", null, null, "bob"), Assert.Single(api.Originator.Requests).Request);
    }

    [Theory]
    [InlineData("""{"user":"alice"}""", "to")]
    [InlineData("""{"to":"+441632960000"}""", "user")]
    [InlineData("""{"to":"+441632960000","user":"al ice"}""", "user")]
    [InlineData("""{"to":"+441632960000","user":"alice","app":"echo"}""", "app")]
    [InlineData("""{"to":"+441632960000","app":"dance"}""", "app")]
    [InlineData("""{"to":"+441632960000","user":"alice","phone":"bob"}""", "phone")]
    [InlineData("""{"to":"+441632960000","phone":"b ob"}""", "phone")]
    [InlineData("""{"to":"+441632960000","app":"playback ../../etc/passwd"}""", "app")]
    [InlineData("""{"to":"+441632960000","app":"playback /etc/passwd"}""", "app")]
    [InlineData("""{"to":"+441632960000","user":"alice","callbackUrl":"ftp://backend.example/x"}""", "callbackUrl")]
    [InlineData("""{"to":"+441632960000","user":"alice","callbackUrl":"http://user:secret@backend.example/x"}""", "callbackUrl")]
    [InlineData("""{"to":"+441632960000","user":"alice","callbackUrl":"/relative"}""", "callbackUrl")]
    public async Task Invalid_fields_are_a_400_validation_problem_naming_them(string body, string field)
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();

        using var response = await client.PostAsync("/api/v1/calls", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]![field]);
        Assert.Empty(api.Originator.Requests);
    }

    [Fact]
    public async Task Malformed_json_is_400_and_another_content_type_415()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();

        using var malformed = await client.PostAsync("/api/v1/calls", Json("{\"to\":"));
        using var text = await client.PostAsync("/api/v1/calls", new StringContent("to=1", Encoding.UTF8, "text/plain"));
        using var anonymous = await api.Client(token: null).PostAsync("/api/v1/calls", Json("""{"to":"1","user":"a"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty(api.Originator.Requests);
    }

    [Theory]
    [InlineData(OriginateRefusal.Denied, 403, HttpStatusCode.Forbidden)]
    [InlineData(OriginateRefusal.NotDialable, 501, HttpStatusCode.UnprocessableEntity)]
    [InlineData(OriginateRefusal.UserUnavailable, 480, HttpStatusCode.Conflict)]
    [InlineData(OriginateRefusal.Draining, 503, HttpStatusCode.ServiceUnavailable)]
    [InlineData(OriginateRefusal.AppUnavailable, 404, HttpStatusCode.UnprocessableEntity)]
    [InlineData(OriginateRefusal.PhoneUnavailable, 480, HttpStatusCode.Conflict)]
    public async Task A_refusal_is_a_problem_with_the_route_and_the_sip_status(OriginateRefusal refusal, int sipStatus, HttpStatusCode status)
    {
        await using var api = await ApiTestHost.StartAsync();
        api.Originator.Next = new OriginateResult(null, "+449098790000", "out", refusal, sipStatus, "why not");
        using var client = api.Client();

        using var response = await client.PostAsync("/api/v1/calls", Json("""{"to":"+449098790000","user":"alice"}"""));

        Assert.Equal(status, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(("why not", sipStatus, "out"), ((string?)problem["detail"], (int?)problem["sipStatus"], (string?)problem["route"]));
    }

    [Fact]
    public async Task The_callback_url_receives_each_step_as_json_in_order()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();

        using var response = await client.PostAsync("/api/v1/calls", Json($$"""{"to":"+441632960000","user":"alice","callbackUrl":"http://127.0.0.1:{{port}}/steps"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sink = Assert.Single(api.Originator.Requests).Sink!;
        var at = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
        sink.Report(new CallProgress(OriginateProgress.Ringing, at, 180, "Ringing"));
        sink.Report(new CallProgress(OriginateProgress.Ended, at.AddSeconds(1), 200, "Terminated by operator", "answered"));

        var received = new List<JsonNode>();
        for (var i = 0; i < 2; i++)
        {
            var context = await listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(("POST", "/steps"), (context.Request.HttpMethod, context.Request.Url!.AbsolutePath));
            using var reader = new StreamReader(context.Request.InputStream);
            received.Add(JsonNode.Parse(await reader.ReadToEndAsync())!);
            context.Response.StatusCode = 204;
            context.Response.Close();
        }
        Assert.Equal(["ringing", "ended"], received.Select(r => (string?)r["event"]));
        Assert.All(received, r => Assert.Equal("k7-xy", (string?)r["callId"]));
        Assert.Equal((200, "answered", "Terminated by operator"), ((int?)received[1]["code"], (string?)received[1]["outcome"], (string?)received[1]["reason"]));
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
