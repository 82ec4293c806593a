using Gateway.Sip.Reliability;

namespace Gateway.Sip.Tests.Reliability;

/// <summary>RFC 3262 §7.1 RSeq and §7.2 RAck grammar, with the §7.2 example "RAck: 776656 1 INVITE".</summary>
public sealed class RSeqRAckTests
{
    [Theory]
    [InlineData("988789", 988789u)]
    [InlineData(" 1 ", 1u)]
    [InlineData("4294967295", 4294967295u)]
    public void RSeq_parses_a_response_number(string value, uint number)
    {
        Assert.True(RSeqValue.TryParse(value, out var rseq));
        Assert.Equal(number, rseq.Number);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("4294967296")]
    [InlineData("12 13")]
    [InlineData("12a")]
    public void RSeq_refuses_anything_else(string? value) => Assert.False(RSeqValue.TryParse(value, out _));

    [Fact]
    public void RAck_parses_the_rfc_example()
    {
        Assert.True(RAckValue.TryParse("776656 1 INVITE", out var rack));
        Assert.Equal(new RAckValue(776656, 1, "INVITE"), rack);
        Assert.Equal("776656 1 INVITE", rack.ToString());
    }

    [Theory]
    [InlineData("\t5  2\tINVITE  ", 5u, 2u)]
    [InlineData("1 4294967295 INVITE", 1u, 4294967295u)]
    public void RAck_allows_linear_whitespace(string value, uint rseq, uint cseq)
    {
        Assert.True(RAckValue.TryParse(value, out var rack));
        Assert.Equal((rseq, cseq, "INVITE"), (rack.ResponseNumber, rack.CSeqNumber, rack.Method));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("776656")]
    [InlineData("776656 1")]
    [InlineData("776656 1 ")]
    [InlineData("7766561 INVITE")]
    [InlineData("0 1 INVITE")]
    [InlineData("776656 1 INVITE extra")]
    [InlineData("776656 x INVITE")]
    [InlineData("776656 1 INV@TE")]
    [InlineData("99999999999 1 INVITE")]
    public void RAck_refuses_anything_else(string? value) => Assert.False(RAckValue.TryParse(value, out _));

    [Fact]
    public void Every_prefix_of_a_valid_RAck_is_refused()
    {
        const string valid = "776656 1 INVITE";
        for (var i = 0; i < valid.Length - "INVITE".Length; i++) Assert.False(RAckValue.TryParse(valid.AsSpan(0, i), out _), valid[..i]);
    }

    [Fact]
    public void RAck_round_trips_random_values()
    {
        var random = new Random(3262);
        for (var i = 0; i < 500; i++)
        {
            var value = new RAckValue((uint)random.NextInt64(1, uint.MaxValue), (uint)random.NextInt64(0, uint.MaxValue), i % 2 == 0 ? "INVITE" : "UPDATE");
            Assert.True(RAckValue.TryParse(value.ToString(), out var back));
            Assert.Equal(value, back);
            Assert.True(RSeqValue.TryParse(value.ResponseNumber.ToString(), out var rseq));
            Assert.Equal(value.ResponseNumber, rseq.Number);
        }
    }
}
