using System.Text.Json;

namespace Gateway.Dialplan.Tests;

public sealed class DialplanCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = DialplanCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void CheckOfTheDefaultPlanSucceeds()
    {
        var (code, output, _) = Run("dialplan", "check", DialplanTestPlans.DefaultPath);
        Assert.Equal(0, code);
        Assert.Contains("OK", output);
    }

    [Fact]
    public void CheckOfABadFilePrintsLineAndColumnAndExits1()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, "trunks:\n  pstn:\n    uri: sip:x\nroutes:\n  - name: a\n    match: { exact: '1' }\n    trunk: [missing]\n");
        try
        {
            var (code, _, errors) = Run("check", file);
            Assert.Equal(1, code);
            Assert.Contains($"{file}:7:12: error: route 'a' uses unknown trunk 'missing'", errors);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void RoutePrintsTheDecisionAsJson()
    {
        var (code, output, _) = Run("route", DialplanTestPlans.DefaultPath, "--from", "web:alice", "--to", "02079460000", "--at", "2026-03-29T08:30:00Z");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("+442079460000", json.RootElement.GetProperty("normalized").GetString());
        Assert.Equal("everything-else", json.RootElement.GetProperty("route").GetString());
        Assert.Equal("trunk", json.RootElement.GetProperty("action").GetString());
        Assert.Equal("pstn", json.RootElement.GetProperty("trunks")[0].GetString());
    }

    [Theory]
    [InlineData]
    [InlineData("frobnicate")]
    [InlineData("route", "x.yaml")]
    public void BadUsageExits2(params string[] args)
    {
        var (code, _, errors) = Run(args.Length > 1 && args[0] == "route" ? ["route", DialplanTestPlans.DefaultPath] : args);
        Assert.Equal(2, code);
        Assert.Contains("usage", errors);
    }
}
