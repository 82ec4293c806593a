using Gateway.Server.Recording;

namespace Gateway.Server.Tests.Recording;

public sealed class RecordingOptionsTests
{
    [Theory]
    [InlineData("recordings", 100, true)]
    [InlineData("", 100, false)]
    [InlineData("recordings", 0, false)]
    [InlineData("recordings", 100_001, false)]
    public void Folder_and_limit_are_checked_at_start(string folder, int max, bool valid)
    {
        var result = new RecordingOptionsValidator().Validate(null, new RecordingOptions { Folder = folder, MaxConcurrent = max });
        Assert.Equal(valid, result.Succeeded);
    }

    [Fact]
    public void A_file_name_carries_the_start_and_a_safe_call_id()
    {
        var name = RecordingSetup.FileName(DateTimeOffset.Parse("2026-12-02T18:30:05Z"), "../c1 x/y");
        Assert.Equal("20261202T183005Z-.._c1_x_y.wav", name);
        Assert.DoesNotContain('/', name);
    }
}
