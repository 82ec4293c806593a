namespace Gateway.Dialplan.Tests;

/// <summary>The <c>users:</c> directory (dialplan/README.md "Users").</summary>
public sealed class UsersTests
{
    private const string Head = "trunks:\n  pstn:\n    uri: sip:127.0.0.1:5080\nguards:\n  deny:\n    premium: ['^\\+449']\n" +
                                "routes:\n  - name: out\n    match: { prefix: '' }\n    trunk: [pstn]\n";

    private static DialplanLoader.Result Load(string users) =>
        DialplanLoader.Load(Head + users, "test.yaml", name => name switch { "ALICE_PW" => "alice-secret", "BOB_PW" => "bob-secret", _ => null });

    [Fact]
    public void Users_are_read_with_their_defaults()
    {
        var result = Load("users:\n  - name: alice\n    password: ${ALICE_PW}\n    caller_id: '+442079460001'\n    max_devices: 2\n    allow: [premium]\n" +
                          "  - name: bob\n    password: ${BOB_PW}\n");
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        var alice = result.Plan!.Users["alice"];
        Assert.Equal(("alice-secret", "+442079460001", 2), (alice.Password, alice.CallerId, alice.MaxDevices));
        Assert.Contains("premium", alice.Allow);
        var bob = result.Plan.Users["bob"];
        Assert.Equal((DialplanUser.DefaultMaxDevices, (string?)null), (bob.MaxDevices, bob.CallerId));
        Assert.DoesNotContain("secret", alice.ToString());
    }

    [Fact]
    public void A_plan_without_users_has_an_empty_directory() => Assert.Empty(Load("").Plan!.Users);

    [Theory]
    [InlineData("users:\n  - name: alice\n    password: ${ALICE_PW}\n  - name: alice\n    password: ${BOB_PW}\n", 14, 11, "duplicate user name 'alice'")]
    [InlineData("users:\n  - name: alice\n", 12, 5, "needs password")]
    [InlineData("users:\n  - password: ${ALICE_PW}\n", 12, 5, "needs name")]
    [InlineData("users:\n  - name: alice\n    password: ${NOT_SET_ANYWHERE}\n", 13, 15, "NOT_SET_ANYWHERE is not set")]
    [InlineData("users:\n  - name: 'al ice'\n    password: ${ALICE_PW}\n", 12, 11, "must be 1-64 letters")]
    [InlineData("users:\n  - name: alice\n    password: ${ALICE_PW}\n    max_devices: 0\n", 14, 18, "max_devices must be a whole number from 1 to 100")]
    [InlineData("users:\n  - name: alice\n    password: ${ALICE_PW}\n    max_devices: 101\n", 14, 18, "max_devices must be a whole number from 1 to 100")]
    [InlineData("users:\n  - name: alice\n    password: ${ALICE_PW}\n    allow: [casino]\n", 14, 12, "not a class under guards.deny")]
    [InlineData("users:\n  - name: alice\n    password: ${ALICE_PW}\n    colour: blue\n", 14, 5, "unknown key 'colour' in user")]
    [InlineData("users:\n  alice: ${ALICE_PW}\n", 12, 3, "users must be a list")]
    public void Errors_name_file_line_column(string users, int line, int column, string message)
    {
        var result = Load(users);
        Assert.False(result.Succeeded);
        var error = result.Errors.FirstOrDefault(e => e.Message.Contains(message));
        Assert.True(error is not null, $"no error containing '{message}' in:\n{string.Join("\n", result.Diagnostics)}");
        Assert.Equal((line, column), (error!.Line, error.Column));
    }

    [Fact]
    public void A_literal_password_is_a_warning()
    {
        var result = Load("users:\n  - name: alice\n    password: hunter2\n");
        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, 13), (warning.Severity, warning.Line));
        Assert.Contains("${ENV_VAR}", warning.Message);
    }

    [Fact]
    public void A_users_allow_lifts_a_guard_class_for_that_user_only()
    {
        var plan = Load("users:\n  - name: alice\n    password: ${ALICE_PW}\n    allow: [premium]\n    caller_id: '+442079460001'\n" +
                        "  - name: bob\n    password: ${BOB_PW}\n").Plan!;
        var at = DateTimeOffset.Parse("2026-03-02T10:00:00Z");
        var alice = plan.Route(new CallRequest(new CallSource(CallSourceKind.WebUser, "alice"), "+449001234567", at));
        Assert.False(alice.IsDenied, alice.Reason);
        Assert.Equal("+442079460001", alice.CallerId);
        var bob = plan.Route(new CallRequest(new CallSource(CallSourceKind.WebUser, "bob"), "+449001234567", at));
        Assert.Equal(403, bob.RejectCode);
    }

    [Fact]
    public void Check_counts_the_users()
    {
        var file = Path.Combine(Path.GetTempPath(), $"users-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, Head + "users:\n  - name: alice\n    password: plain\n");
        try
        {
            var stdout = new StringWriter();
            Assert.Equal(0, DialplanCli.Run(["check", file], stdout, new StringWriter()));
            Assert.Contains("1 routes, 1 trunks, 1 users", stdout.ToString());
        }
        finally { File.Delete(file); }
    }
}
