using System.Diagnostics;
using Gateway.Sip.Messages;

namespace Gateway.Sip.Tests.Messages;

/// <summary>
/// Mutation fuzzing of the parser over every shared torture message: bit flips, byte inserts and deletes,
/// truncation and splicing. No input may make an exception escape TryParse. Seeded, bounded in count and time.
/// </summary>
public sealed class SipParserFuzzTests
{
    private const int Inputs = 1_000_000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    [Fact]
    public void MillionMutatedMessagesNeverThrow()
    {
        var corpus = TortureMessages.Index.Select(i => TortureMessages.Bytes(i.Name)).Append(SipTestMessages.InviteBytes).Append(SipTestMessages.OkBytes).ToArray();
        var random = new Random(4475);
        var buffer = new byte[8192];
        var clock = Stopwatch.StartNew();
        var parsed = 0;
        var done = 0;
        for (; done < Inputs && clock.Elapsed < Budget; done++)
        {
            var length = Mutate(corpus, random, buffer);
            var input = buffer.AsSpan(0, length);
            try
            {
                if (!SipMessage.TryParse(input, out var m, out var error))
                    Assert.False(error!.Message.StartsWith("internal", StringComparison.Ordinal), $"parser bug on input {done}: {error}\n{Convert.ToHexString(input)}");
                else
                {
                    parsed++;
                    _ = SipMessageValidator.Validate(m!);
                    _ = m!.ToArray();
                }
            }
            catch (Exception e)
            {
                Assert.Fail($"input {done} threw {e}\n{Convert.ToHexString(input)}");
            }
        }
        Assert.True(done >= Inputs || clock.Elapsed >= Budget);
        Assert.True(parsed > 0, "no mutated input parsed: the mutations are too destructive to be useful");
    }

    private static int Mutate(byte[][] corpus, Random random, byte[] buffer)
    {
        var source = corpus[random.Next(corpus.Length)];
        var length = Math.Min(source.Length, buffer.Length - 64);
        source.AsSpan(0, length).CopyTo(buffer);
        var rounds = 1 + random.Next(4);
        for (var r = 0; r < rounds && length > 1; r++)
        {
            var at = random.Next(length);
            switch (random.Next(6))
            {
                case 0: buffer[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: buffer[at] = (byte)random.Next(256); break;
                case 2: // insert a byte that matters to the grammar
                    Array.Copy(buffer, at, buffer, at + 1, length - at);
                    buffer[at] = "\r\n :;,<>\"\\%@=/?"u8[random.Next(15)];
                    length++;
                    break;
                case 3: // delete
                    Array.Copy(buffer, at + 1, buffer, at, length - at - 1);
                    length--;
                    break;
                case 4: length = at + 1; break; // truncate
                default: // splice a run from another message
                    var other = corpus[random.Next(corpus.Length)];
                    var from = random.Next(other.Length);
                    var run = Math.Min(Math.Min(1 + random.Next(64), other.Length - from), buffer.Length - length - 1);
                    Array.Copy(buffer, at, buffer, at + run, length - at);
                    Array.Copy(other, from, buffer, at, run);
                    length += run;
                    break;
            }
        }
        return length;
    }
}
