using System.Numerics;
using System.Runtime.InteropServices;

namespace Gateway.Media.Transcoding;

/// <summary>
/// Integer-ratio sample rate conversion between a codec's rate and Opus's 48 kHz (8 kHz x6, 16 kHz x3): a windowed-sinc
/// low-pass FIR (Blackman window, 24 taps per phase, cut-off at 90% of the lower rate's Nyquist frequency) run as a
/// polyphase decimator or interpolator. All buffers are allocated once; <see cref="Process"/> allocates nothing.
/// Delay: (taps - 1) / 2 samples at the higher rate, 1.4 ms at 48 kHz. One per stream, one thread.
/// </summary>
internal sealed class Resampler
{
    private const int TapsPerPhase = 24;
    private readonly float[] _taps;
    private readonly float[] _reversed; // decimation: the taps newest-last, for a forward dot product
    private readonly float[][] _phases; // interpolation: each phase's taps, newest-last
    private readonly float[] _work; // history, then the input of one call
    private readonly int _history;
    private readonly int _factor;
    private readonly bool _up;

    private Resampler(int from, int to, int maxInput)
    {
        InputRate = from;
        OutputRate = to;
        _up = to > from;
        _factor = _up ? to / from : from / to;
        if (_factor * Math.Min(from, to) != Math.Max(from, to)) throw new ArgumentException($"{from} -> {to} Hz is not an integer ratio");
        _taps = _factor == 1 ? [] : Design(_factor);
        _reversed = [.. _taps.Reverse()];
        _phases = new float[_up ? _factor : 0][];
        for (int p = 0; p < _phases.Length; p++)
        {
            _phases[p] = new float[TapsPerPhase];
            for (int k = 0; k < TapsPerPhase; k++) _phases[p][TapsPerPhase - 1 - k] = _taps[p + k * _factor];
        }
        // Interpolation runs the filter at the input rate per phase; decimation on the input directly.
        _history = _factor == 1 ? 0 : _up ? TapsPerPhase - 1 : _taps.Length - 1;
        _work = new float[_history + maxInput];
    }

    public int InputRate { get; }
    public int OutputRate { get; }

    /// <summary>A converter from <paramref name="from"/> to <paramref name="to"/> Hz taking at most <paramref name="maxInput"/> samples a call.</summary>
    public static Resampler Create(int from, int to, int maxInput) => new(from, to, maxInput);

    /// <summary>Output samples for <paramref name="inputSamples"/> input samples.</summary>
    public int OutputLength(int inputSamples) => _factor == 1 ? inputSamples : _up ? inputSamples * _factor : inputSamples / _factor;

    /// <summary>Converts <paramref name="input"/> (a multiple of the ratio when decimating) into <paramref name="output"/>; returns samples written.</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        int n = Math.Min(input.Length, _work.Length - _history);
        if (_factor == 1)
        {
            input[..n].CopyTo(output);
            return n;
        }
        var work = _work.AsSpan();
        for (int i = 0; i < n; i++) work[_history + i] = input[i];
        int written = _up ? Interpolate(work, n, output) : Decimate(work, n, output);
        work.Slice(n, _history).CopyTo(work); // keep the last samples as the next call's history
        return written;
    }

    private int Decimate(ReadOnlySpan<float> work, int n, Span<short> output)
    {
        int outputs = Math.Min(n / _factor, output.Length);
        var taps = _reversed.AsSpan();
        for (int k = 0; k < outputs; k++)
        {
            // y[k] = sum h[j] x[kM + M - 1 - j]: the newest input sample of the block is at _history + kM + M - 1.
            int oldest = _history + k * _factor + _factor - taps.Length;
            output[k] = Clip(Dot(taps, work.Slice(oldest, taps.Length)));
        }
        return outputs;
    }

    private int Interpolate(ReadOnlySpan<float> work, int n, Span<short> output)
    {
        int outputs = Math.Min(n * _factor, output.Length);
        for (int i = 0; i < n; i++)
        {
            var window = work.Slice(_history + i - (TapsPerPhase - 1), TapsPerPhase);
            for (int p = 0; p < _factor; p++)
            {
                int o = i * _factor + p;
                if (o >= outputs) return outputs;
                // Zero-stuffed input filtered at the high rate: only every L-th tap meets a real sample (gain L).
                output[o] = Clip(Dot(_phases[p], window) * _factor);
            }
        }
        return outputs;
    }

    /// <summary>Dot product, SIMD-wide where the hardware has it.</summary>
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        float sum = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            var acc = Vector<float>.Zero;
            for (int v = 0; v < va.Length; v++) acc += va[v] * vb[v];
            sum = Vector.Sum(acc);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static short Clip(float v) => v >= short.MaxValue ? short.MaxValue : v <= short.MinValue ? short.MinValue : (short)MathF.Round(v);

    /// <summary>Low-pass at 0.9 / (2 factor) of the high rate, unity DC gain, Blackman window.</summary>
    private static float[] Design(int factor)
    {
        int length = TapsPerPhase * factor;
        var taps = new float[length];
        double cutoff = 0.9 / (2.0 * factor); // cycles per sample at the high rate
        double centre = (length - 1) / 2.0, sum = 0;
        var raw = new double[length];
        for (int i = 0; i < length; i++)
        {
            double x = i - centre;
            double sinc = x == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
            double w = 0.42 - 0.5 * Math.Cos(2 * Math.PI * i / (length - 1)) + 0.08 * Math.Cos(4 * Math.PI * i / (length - 1));
            raw[i] = sinc * w;
            sum += raw[i];
        }
        for (int i = 0; i < length; i++) taps[i] = (float)(raw[i] / sum);
        return taps;
    }
}
