using System.Diagnostics;
using Gateway.Media.Transcoding;

namespace Gateway.Bench.Media;

/// <summary>
/// CPU time (not wall time: on a shared, loaded machine the wall clock counts time spent descheduled) of transcoding a
/// call, both directions: <c>dotnet run -c Release --project bench/Gateway.Bench -- transcoding-cpu [seconds]</c>.
/// Prints milliseconds of CPU per second of call for native libopus and the managed port at the default complexity.
/// </summary>
internal static class TranscodingCpu
{
    public static void Run(string[] args)
    {
        int seconds = args.Length > 1 && int.TryParse(args[1], out var s) ? s : 60;
        foreach (var library in new[] { OpusLibrary.Auto, OpusLibrary.Managed })
        {
            var bench = new TranscodingBenchmarks { Library = library, Complexity = OpusCodecProvider.DefaultComplexity };
            bench.Setup();
            for (int i = 0; i < 250; i++) { bench.WebToSip(); bench.SipToWeb(); } // warm up
            int packets = seconds * 50;
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var before = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            for (int i = 0; i < packets; i++) { bench.WebToSip(); bench.SipToWeb(); }
            wall.Stop();
            process.Refresh();
            double cpuMs = (process.TotalProcessorTime - before).TotalMilliseconds;
            Console.WriteLine($"{library,-8} complexity {OpusCodecProvider.DefaultComplexity}: {cpuMs / seconds:F2} ms CPU per second of call " +
                $"({cpuMs * 1000 / packets:F0} us CPU per 20 ms, both directions; wall {wall.Elapsed.TotalMilliseconds / seconds:F2} ms/s; {seconds} s of audio)");
        }
    }
}
