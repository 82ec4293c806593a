using Gateway.Media.Dtls;
using Xunit;

namespace Gateway.Media.Tests.Dtls;

public sealed class DtlsRecordCheckTests
{
    private static byte[] Record(byte type, int bodyLength)
    {
        var r = new byte[13 + bodyLength];
        r[0] = type; r[1] = 0xFE; r[2] = 0xFD;
        r[11] = (byte)(bodyLength >> 8); r[12] = (byte)bodyLength;
        return r;
    }

    [Fact]
    public void WholeRecords_Pass()
    {
        Assert.True(DtlsRecordCheck.IsWholeRecords(Record(22, 100)));
        Assert.True(DtlsRecordCheck.IsWholeRecords(Record(20, 1)));
        Assert.True(DtlsRecordCheck.IsWholeRecords([.. Record(22, 50), .. Record(20, 1), .. Record(22, 40)]));
        Assert.True(DtlsRecordCheck.IsWholeRecords(Record(23, 0)));
    }

    [Fact]
    public void TruncatedForeignOrEmpty_Fail()
    {
        var record = Record(22, 100);
        for (int n = 0; n < record.Length; n++) Assert.False(DtlsRecordCheck.IsWholeRecords(record.AsSpan(0, n)));
        Assert.False(DtlsRecordCheck.IsWholeRecords([.. Record(22, 10), 22, 0xFE])); // second header cut
        Assert.False(DtlsRecordCheck.IsWholeRecords(Record(24, 10)));                 // not a TLS 1.2 content type
        Assert.False(DtlsRecordCheck.IsWholeRecords(Record(19, 10)));
        var tls = Record(22, 10); tls[1] = 3;                                         // TLS, not DTLS
        Assert.False(DtlsRecordCheck.IsWholeRecords(tls));
    }
}
