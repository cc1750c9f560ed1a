using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

unsafe static class P
{
    // arrays: v, ie, ii, refr, ring0 (cells*slots), ring1, iinj
    static int N, Slots = 8;
    static double[] U = new double[12];
    static int[] SPK;

    static void Main(string[] args)
    {
        N = int.Parse(args[0]);
        string layout = args[1];     // managed | aligned | aligned+OFF (per-array byte offset added, stride)
        string variant = args[2];
        int steps = int.Parse(args[3]);
        double tau_m = 20, cm = 0.2, dt = 0.1;
        U[0] = Math.Exp(-dt / 2 / 5); U[1] = Math.Exp(-dt / 5); U[2] = Math.Exp(-dt / 2 / 10); U[3] = Math.Exp(-dt / 10);
        U[4] = -60; U[5] = -49; U[6] = 1 / tau_m; U[7] = 0; U[8] = 1 / cm; U[9] = tau_m * (1 - Math.Exp(-dt / tau_m)); U[10] = -50; U[11] = 50;
        SPK = new int[N];
        double*[] ptr = new double*[7];
        int[] len = { N, N, N, N, N * Slots, N * Slots, N };
        double[][] managed = new double[7][];
        if (layout == "managed")
        {
            for (int a = 0; a < 7; a++) managed[a] = new double[len[a]];
        }
        else
        {
            // aligned:<misalign bytes>:<extra gap bytes>
            var parts = layout.Split(':');
            int mis = parts.Length > 1 ? int.Parse(parts[1]) : 0;
            int gap = parts.Length > 2 ? int.Parse(parts[2]) : 0;
            long total = 0; foreach (var l in len) total += l * 8L + 4096 + gap;
            byte* block = (byte*)NativeMemory.AlignedAlloc((nuint)total, 4096);
            NativeMemory.Clear(block, (nuint)total);
            long at = 0;
            for (int a = 0; a < 7; a++) { ptr[a] = (double*)(block + at + mis); at += (len[a] * 8L + 63) / 64 * 64 + gap; }
        }
        ref double At(int a, int i) => ref (layout == "managed" ? ref managed[a][i] : ref ptr[a][i]);
        var rng = new Random(1);
        for (int i = 0; i < N; i++) { At(0, i) = -60 + 10 * rng.NextDouble(); }
        if (layout == "managed") for (int a = 0; a < 7; a++) fixed (double* p = managed[a]) Console.Error.Write($"{(long)p % 4096,5}");
        else for (int a = 0; a < 7; a++) Console.Error.Write($"{(long)ptr[a] % 4096,5}");
        Console.Error.WriteLine();
        var variants = variant.Split(',');
        var best = new double[variants.Length]; Array.Fill(best, double.MaxValue);
        var all = new System.Collections.Generic.List<double>[variants.Length];
        for (int k = 0; k < variants.Length; k++) all[k] = new();
        for (int round = 0; round < 7; round++)
        for (int k = 0; k < variants.Length; k++)
        {
            var ticks = new long[steps];
            for (int s = 0; s < steps; s++)
            {
                int slot = (s % Slots) * N;
                for (int q = 0; q < 8; q++) { int c = rng.Next(N); At(4, slot + c) += 0.1; At(5, ((s + 3) % Slots) * N + c) += 0.05; }
                long t0 = Stopwatch.GetTimestamp();
                if (layout == "managed")
                    Run(variants[k], ref managed[0][0], ref managed[1][0], ref managed[2][0], ref managed[3][0], ref managed[4][slot], ref managed[5][slot], ref managed[6][0], dt);
                else
                    Run(variants[k], ref ptr[0][0], ref ptr[1][0], ref ptr[2][0], ref ptr[3][0], ref ptr[4][slot], ref ptr[5][slot], ref ptr[6][0], dt);
                ticks[s] = Stopwatch.GetTimestamp() - t0;
            }
            Array.Sort(ticks);
            double ns = ticks[steps / 4] * 1e9 / Stopwatch.Frequency / (N / 8.0); // lower quartile of the per-step times
            if (round > 0) { best[k] = Math.Min(best[k], ns); all[k].Add(ns); }
        }
        for (int k = 0; k < variants.Length; k++) { all[k].Sort(); Console.WriteLine($"{N,6} {layout,-16} {variants[k],-10}: best q25 {best[k],6:F2}  median q25 {all[k][all[k].Count / 2],6:F2} ns per 8 cells"); }
    }

    static int Run(string variant, ref double v, ref double ie, ref double ii, ref double refr, ref double r0, ref double r1, ref double iinj, double dtValue)
    {
        ref var B0 = ref Unsafe.As<double, Vector512<double>>(ref v);
        ref var B1 = ref Unsafe.As<double, Vector512<double>>(ref ie);
        ref var B2 = ref Unsafe.As<double, Vector512<double>>(ref ii);
        ref var REF = ref Unsafe.As<double, Vector512<double>>(ref refr);
        ref var R0 = ref Unsafe.As<double, Vector512<double>>(ref r0);
        ref var R1 = ref Unsafe.As<double, Vector512<double>>(ref r1);
        ref var I = ref Unsafe.As<double, Vector512<double>>(ref iinj);
        int last = N / 8; int nsp = 0;
        switch (variant)
        {
            case "base": return Base(0, last, 0, U, SPK, ref B0, ref B1, ref B2, ref REF, ref R0, ref R1, ref I, ref nsp);
            case "nospk": return NoSpk(0, last, 0, U, SPK, ref B0, ref B1, ref B2, ref REF, ref R0, ref R1, ref I, ref nsp);
            case "noinj": return NoInj(0, last, 0, U, SPK, ref B0, ref B1, ref B2, ref REF, ref R0, ref R1, ref I, ref nsp);
            case "noring": return NoRing(0, last, 0, U, SPK, ref B0, ref B1, ref B2, ref REF, ref R0, ref R1, ref I, ref nsp);
            case "nostore": return NoStore(0, last, 0, U, SPK, ref B0, ref B1, ref B2, ref REF, ref R0, ref R1, ref I, ref nsp);
            case "v256": return Base256(0, last, 0, U, SPK, ref Unsafe.As<Vector512<double>, Vector256<double>>(ref B0), ref Unsafe.As<Vector512<double>, Vector256<double>>(ref B1), ref Unsafe.As<Vector512<double>, Vector256<double>>(ref B2), ref Unsafe.As<Vector512<double>, Vector256<double>>(ref REF), ref Unsafe.As<Vector512<double>, Vector256<double>>(ref R0), ref Unsafe.As<Vector512<double>, Vector256<double>>(ref R1), ref Unsafe.As<Vector512<double>, Vector256<double>>(ref I), ref nsp);
            case "unroll2": return Unroll2(0, last, 0, U, SPK, ref B0, ref B1, ref B2, ref REF, ref R0, ref R1, ref I, ref nsp);
            case "s1": return S1(0, last, 0, U, SPK, ref B0, ref B1, ref B2, ref REF, ref R0, ref R1, ref I, ref nsp);
            case "s2": return S2(0, last, 0, U, SPK, ref B0, ref B1, ref B2, ref REF, ref R0, ref R1, ref I, ref nsp);
            case "recmp": return Recmp(0, last, 0, U, SPK, ref B0, ref B1, ref B2, ref REF, ref R0, ref R1, ref I, ref nsp);
            case "f2": return F2(0, last, 0, U, SPK, ref B0, ref B1, ref B2, ref REF, ref R0, ref R1, ref I, ref nsp);
            case "inline": return Inline(0, last, 0, U, SPK, ref B0, ref B1, ref B2, ref REF, ref R0, ref R1, ref I, ref nsp);
            case "inlinenoinj": return InlineNoInj(0, last, 0, U, SPK, ref B0, ref B1, ref B2, ref REF, ref R0, ref R1, ref I, ref nsp);
            case "inline256": return Inline256(0, last, 0, U, SPK, ref Unsafe.As<Vector512<double>, Vector256<double>>(ref B0), ref Unsafe.As<Vector512<double>, Vector256<double>>(ref B1), ref Unsafe.As<Vector512<double>, Vector256<double>>(ref B2), ref Unsafe.As<Vector512<double>, Vector256<double>>(ref REF), ref Unsafe.As<Vector512<double>, Vector256<double>>(ref R0), ref Unsafe.As<Vector512<double>, Vector256<double>>(ref R1), ref Unsafe.As<Vector512<double>, Vector256<double>>(ref I), ref nsp);
            case "copy": return Copy(0, last, 0, U, SPK, ref B0, ref B1, ref B2, ref REF, ref R0, ref R1, ref I, ref nsp);
            default: throw new ArgumentException(variant);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int Base(int j, int last, int begin, double[] U, int[] SPK, ref Vector512<double> B0, ref Vector512<double> B1, ref Vector512<double> B2, ref Vector512<double> REF,
        ref Vector512<double> R0, ref Vector512<double> R1, ref Vector512<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector512<double>.Zero; var ONE = Vector512<double>.One;
        int W = 8;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j < last; j++)
        {
            var i_inj = Unsafe.Add(ref I_INJ, j);
            Vector512<double> L0_v = Unsafe.Add(ref B0, j);
            Vector512<double> L1_isyn_exc = Unsafe.Add(ref B1, j);
            Vector512<double> L2_isyn_inh = Unsafe.Add(ref B2, j);
            var L3_in0 = Unsafe.Add(ref R0, j);
            L1_isyn_exc = (L1_isyn_exc + L3_in0);
            var L4_in1 = Unsafe.Add(ref R1, j);
            L2_isyn_inh = (L2_isyn_inh + L4_in1);
            Vector512<double> L5_isyn_exc_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc);
            Vector512<double> L6_isyn_exc_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc);
            Vector512<double> L7_isyn_inh_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh);
            Vector512<double> L8_isyn_inh_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh);
            var refr = Unsafe.Add(ref REF, j);
            var L9_refractory = Vector512.GreaterThan(refr, ZERO);
            Vector512<double> L10_v_clamp = Vector512.Create(Unsafe.Add(ref UNIFORM, 4));
            L0_v = Vector512.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector512<double> L11_v_d = ((((Vector512.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v) * Vector512.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid + L7_isyn_inh_mid) + Vector512.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj) * Vector512.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector512.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v = (L0_v + L11_v_d);
            L0_v = Vector512.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector512<double> L12_spike = (Vector512.GreaterThanOrEqual(L0_v, Vector512.Create(Unsafe.Add(ref UNIFORM, 10))) & (~L9_refractory));
            L0_v = Vector512.ConditionalSelect(L12_spike, Vector512.Create(Unsafe.Add(ref UNIFORM, 4)), L0_v);
            var REFNEW = Vector512.ConditionalSelect(L9_refractory, refr - ONE, Vector512.ConditionalSelect(L12_spike, Vector512.Create(Unsafe.Add(ref UNIFORM, 11)), refr));
            var S0 = L0_v; var S1 = L6_isyn_exc_end; var S2 = L8_isyn_inh_end;
            Unsafe.Add(ref R0, j) = ZERO;
            Unsafe.Add(ref R1, j) = ZERO;
            Unsafe.Add(ref REF, j) = REFNEW;
            for (ulong BITS = Vector512.ExtractMostSignificantBits(L12_spike); BITS != 0; BITS &= BITS - 1) SPK[begin + NSP++] = j * W + BitOperations.TrailingZeroCount(BITS);
            Unsafe.Add(ref B0, j) = S0;
            Unsafe.Add(ref B1, j) = S1;
            Unsafe.Add(ref B2, j) = S2;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int Inline(int j, int last, int begin, double[] U, int[] SPK, ref Vector512<double> B0, ref Vector512<double> B1, ref Vector512<double> B2, ref Vector512<double> REF,
        ref Vector512<double> R0, ref Vector512<double> R1, ref Vector512<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector512<double>.Zero; var ONE = Vector512<double>.One;
        int W = 8;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j < last; j++)
        {
            var i_inj = Unsafe.Add(ref I_INJ, j);
            Vector512<double> L0_v = Unsafe.Add(ref B0, j);
            Vector512<double> L1_isyn_exc = Unsafe.Add(ref B1, j);
            Vector512<double> L2_isyn_inh = Unsafe.Add(ref B2, j);
            var L3_in0 = Unsafe.Add(ref R0, j);
            L1_isyn_exc = (L1_isyn_exc + L3_in0);
            var L4_in1 = Unsafe.Add(ref R1, j);
            L2_isyn_inh = (L2_isyn_inh + L4_in1);
            Vector512<double> L5_isyn_exc_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc);
            Vector512<double> L6_isyn_exc_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc);
            Vector512<double> L7_isyn_inh_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh);
            Vector512<double> L8_isyn_inh_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh);
            var refr = Unsafe.Add(ref REF, j);
            var a9 = refr; var b9 = ZERO;
            Vector512<double> L10_v_clamp = Vector512.Create(Unsafe.Add(ref UNIFORM, 4));
            L0_v = Vector512.ConditionalSelect(Vector512.GreaterThan(a9, b9), L10_v_clamp, L0_v);
            Vector512<double> L11_v_d = ((((Vector512.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v) * Vector512.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid + L7_isyn_inh_mid) + Vector512.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj) * Vector512.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector512.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v = (L0_v + L11_v_d);
            L0_v = Vector512.ConditionalSelect(Vector512.GreaterThan(a9, b9), L10_v_clamp, L0_v);
            var a12 = L0_v; var b12 = Vector512.Create(Unsafe.Add(ref UNIFORM, 10));
            L0_v = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(a12, b12) & ~Vector512.GreaterThan(a9, b9), Vector512.Create(Unsafe.Add(ref UNIFORM, 4)), L0_v);
            var REFNEW = Vector512.ConditionalSelect(Vector512.GreaterThan(a9, b9), refr - ONE, Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(a12, b12) & ~Vector512.GreaterThan(a9, b9), Vector512.Create(Unsafe.Add(ref UNIFORM, 11)), refr));
            var S0 = L0_v; var S1 = L6_isyn_exc_end; var S2 = L8_isyn_inh_end;
            Unsafe.Add(ref R0, j) = ZERO;
            Unsafe.Add(ref R1, j) = ZERO;
            Unsafe.Add(ref REF, j) = REFNEW;
            for (ulong BITS = Vector512.ExtractMostSignificantBits(Vector512.GreaterThanOrEqual(a12, b12) & ~Vector512.GreaterThan(a9, b9)); BITS != 0; BITS &= BITS - 1) SPK[begin + NSP++] = j * W + BitOperations.TrailingZeroCount(BITS);
            Unsafe.Add(ref B0, j) = S0;
            Unsafe.Add(ref B1, j) = S1;
            Unsafe.Add(ref B2, j) = S2;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int InlineNoInj(int j, int last, int begin, double[] U, int[] SPK, ref Vector512<double> B0, ref Vector512<double> B1, ref Vector512<double> B2, ref Vector512<double> REF,
        ref Vector512<double> R0, ref Vector512<double> R1, ref Vector512<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector512<double>.Zero; var ONE = Vector512<double>.One;
        int W = 8;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j < last; j++)
        {
            var i_inj = ZERO;
            Vector512<double> L0_v = Unsafe.Add(ref B0, j);
            Vector512<double> L1_isyn_exc = Unsafe.Add(ref B1, j);
            Vector512<double> L2_isyn_inh = Unsafe.Add(ref B2, j);
            var L3_in0 = Unsafe.Add(ref R0, j);
            L1_isyn_exc = (L1_isyn_exc + L3_in0);
            var L4_in1 = Unsafe.Add(ref R1, j);
            L2_isyn_inh = (L2_isyn_inh + L4_in1);
            Vector512<double> L5_isyn_exc_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc);
            Vector512<double> L6_isyn_exc_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc);
            Vector512<double> L7_isyn_inh_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh);
            Vector512<double> L8_isyn_inh_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh);
            var refr = Unsafe.Add(ref REF, j);
            var a9 = refr; var b9 = ZERO;
            Vector512<double> L10_v_clamp = Vector512.Create(Unsafe.Add(ref UNIFORM, 4));
            L0_v = Vector512.ConditionalSelect(Vector512.GreaterThan(a9, b9), L10_v_clamp, L0_v);
            Vector512<double> L11_v_d = ((((Vector512.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v) * Vector512.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid + L7_isyn_inh_mid) + Vector512.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj) * Vector512.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector512.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v = (L0_v + L11_v_d);
            L0_v = Vector512.ConditionalSelect(Vector512.GreaterThan(a9, b9), L10_v_clamp, L0_v);
            var a12 = L0_v; var b12 = Vector512.Create(Unsafe.Add(ref UNIFORM, 10));
            L0_v = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(a12, b12) & ~Vector512.GreaterThan(a9, b9), Vector512.Create(Unsafe.Add(ref UNIFORM, 4)), L0_v);
            var REFNEW = Vector512.ConditionalSelect(Vector512.GreaterThan(a9, b9), refr - ONE, Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(a12, b12) & ~Vector512.GreaterThan(a9, b9), Vector512.Create(Unsafe.Add(ref UNIFORM, 11)), refr));
            var S0 = L0_v; var S1 = L6_isyn_exc_end; var S2 = L8_isyn_inh_end;
            Unsafe.Add(ref R0, j) = ZERO;
            Unsafe.Add(ref R1, j) = ZERO;
            Unsafe.Add(ref REF, j) = REFNEW;
            for (ulong BITS = Vector512.ExtractMostSignificantBits(Vector512.GreaterThanOrEqual(a12, b12) & ~Vector512.GreaterThan(a9, b9)); BITS != 0; BITS &= BITS - 1) SPK[begin + NSP++] = j * W + BitOperations.TrailingZeroCount(BITS);
            Unsafe.Add(ref B0, j) = S0;
            Unsafe.Add(ref B1, j) = S1;
            Unsafe.Add(ref B2, j) = S2;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int Inline256(int j, int last, int begin, double[] U, int[] SPK, ref Vector256<double> B0, ref Vector256<double> B1, ref Vector256<double> B2, ref Vector256<double> REF,
        ref Vector256<double> R0, ref Vector256<double> R1, ref Vector256<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector256<double>.Zero; var ONE = Vector256<double>.One;
        int W = 4; last *= 2;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j < last; j++)
        {
            var i_inj = Unsafe.Add(ref I_INJ, j);
            Vector256<double> L0_v = Unsafe.Add(ref B0, j);
            Vector256<double> L1_isyn_exc = Unsafe.Add(ref B1, j);
            Vector256<double> L2_isyn_inh = Unsafe.Add(ref B2, j);
            var L3_in0 = Unsafe.Add(ref R0, j);
            L1_isyn_exc = (L1_isyn_exc + L3_in0);
            var L4_in1 = Unsafe.Add(ref R1, j);
            L2_isyn_inh = (L2_isyn_inh + L4_in1);
            Vector256<double> L5_isyn_exc_mid = (Vector256.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc);
            Vector256<double> L6_isyn_exc_end = (Vector256.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc);
            Vector256<double> L7_isyn_inh_mid = (Vector256.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh);
            Vector256<double> L8_isyn_inh_end = (Vector256.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh);
            var refr = Unsafe.Add(ref REF, j);
            var a9 = refr; var b9 = ZERO;
            Vector256<double> L10_v_clamp = Vector256.Create(Unsafe.Add(ref UNIFORM, 4));
            L0_v = Vector256.ConditionalSelect(Vector256.GreaterThan(a9, b9), L10_v_clamp, L0_v);
            Vector256<double> L11_v_d = ((((Vector256.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v) * Vector256.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid + L7_isyn_inh_mid) + Vector256.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj) * Vector256.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector256.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v = (L0_v + L11_v_d);
            L0_v = Vector256.ConditionalSelect(Vector256.GreaterThan(a9, b9), L10_v_clamp, L0_v);
            var a12 = L0_v; var b12 = Vector256.Create(Unsafe.Add(ref UNIFORM, 10));
            L0_v = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(a12, b12) & ~Vector256.GreaterThan(a9, b9), Vector256.Create(Unsafe.Add(ref UNIFORM, 4)), L0_v);
            var REFNEW = Vector256.ConditionalSelect(Vector256.GreaterThan(a9, b9), refr - ONE, Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(a12, b12) & ~Vector256.GreaterThan(a9, b9), Vector256.Create(Unsafe.Add(ref UNIFORM, 11)), refr));
            var S0 = L0_v; var S1 = L6_isyn_exc_end; var S2 = L8_isyn_inh_end;
            Unsafe.Add(ref R0, j) = ZERO;
            Unsafe.Add(ref R1, j) = ZERO;
            Unsafe.Add(ref REF, j) = REFNEW;
            for (uint BITS = Vector256.ExtractMostSignificantBits(Vector256.GreaterThanOrEqual(a12, b12) & ~Vector256.GreaterThan(a9, b9)); BITS != 0; BITS &= BITS - 1) SPK[begin + NSP++] = j * W + BitOperations.TrailingZeroCount(BITS);
            Unsafe.Add(ref B0, j) = S0;
            Unsafe.Add(ref B1, j) = S1;
            Unsafe.Add(ref B2, j) = S2;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int F2(int j, int last, int begin, double[] U, int[] SPK, ref Vector512<double> B0, ref Vector512<double> B1, ref Vector512<double> B2, ref Vector512<double> REF,
        ref Vector512<double> R0, ref Vector512<double> R1, ref Vector512<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector512<double>.Zero; var ONE = Vector512<double>.One;
        int W = 8;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j < last; j++)
        {
            var i_inj = Unsafe.Add(ref I_INJ, j);
            Vector512<double> L0_v = Unsafe.Add(ref B0, j);
            Vector512<double> L1_isyn_exc = Unsafe.Add(ref B1, j);
            Vector512<double> L2_isyn_inh = Unsafe.Add(ref B2, j);
            var L3_in0 = Unsafe.Add(ref R0, j);
            L1_isyn_exc = (L1_isyn_exc + L3_in0);
            var L4_in1 = Unsafe.Add(ref R1, j);
            L2_isyn_inh = (L2_isyn_inh + L4_in1);
            Vector512<double> L5_isyn_exc_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc);
            Vector512<double> L6_isyn_exc_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc);
            Vector512<double> L7_isyn_inh_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh);
            Vector512<double> L8_isyn_inh_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh);
            var refr = Unsafe.Add(ref REF, j);
            var L9_refractory = Vector512.GreaterThan(refr, ZERO);
            Vector512<double> L10_v_clamp = Vector512.Create(Unsafe.Add(ref UNIFORM, 4));
            L0_v = Vector512.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector512<double> L11_v_d = ((((Vector512.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v) * Vector512.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid + L7_isyn_inh_mid) + Vector512.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj) * Vector512.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector512.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v = (L0_v + L11_v_d);
            L0_v = Vector512.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector512<double> L12_spike = Vector512.AndNot(Vector512.GreaterThanOrEqual(L0_v, Vector512.Create(Unsafe.Add(ref UNIFORM, 10))), L9_refractory);
            L0_v = Vector512.ConditionalSelect(L12_spike, Vector512.Create(Unsafe.Add(ref UNIFORM, 4)), L0_v);
            var REFNEW = Vector512.ConditionalSelect(L9_refractory, refr - ONE, Vector512.ConditionalSelect(L12_spike, Vector512.Create(Unsafe.Add(ref UNIFORM, 11)), refr));
            var S0 = L0_v; var S1 = L6_isyn_exc_end; var S2 = L8_isyn_inh_end;
            Unsafe.Add(ref R0, j) = ZERO;
            Unsafe.Add(ref R1, j) = ZERO;
            Unsafe.Add(ref REF, j) = REFNEW;
            for (ulong BITS = Vector512.ExtractMostSignificantBits(L12_spike); BITS != 0; BITS &= BITS - 1) SPK[begin + NSP++] = j * W + BitOperations.TrailingZeroCount(BITS);
            Unsafe.Add(ref B0, j) = S0;
            Unsafe.Add(ref B1, j) = S1;
            Unsafe.Add(ref B2, j) = S2;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int Base256(int j, int last, int begin, double[] U, int[] SPK, ref Vector256<double> B0, ref Vector256<double> B1, ref Vector256<double> B2, ref Vector256<double> REF,
        ref Vector256<double> R0, ref Vector256<double> R1, ref Vector256<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector256<double>.Zero; var ONE = Vector256<double>.One;
        int W = 4; last *= 2;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j < last; j++)
        {
            var i_inj = Unsafe.Add(ref I_INJ, j);
            Vector256<double> L0_v = Unsafe.Add(ref B0, j);
            Vector256<double> L1_isyn_exc = Unsafe.Add(ref B1, j);
            Vector256<double> L2_isyn_inh = Unsafe.Add(ref B2, j);
            var L3_in0 = Unsafe.Add(ref R0, j);
            L1_isyn_exc = (L1_isyn_exc + L3_in0);
            var L4_in1 = Unsafe.Add(ref R1, j);
            L2_isyn_inh = (L2_isyn_inh + L4_in1);
            Vector256<double> L5_isyn_exc_mid = (Vector256.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc);
            Vector256<double> L6_isyn_exc_end = (Vector256.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc);
            Vector256<double> L7_isyn_inh_mid = (Vector256.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh);
            Vector256<double> L8_isyn_inh_end = (Vector256.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh);
            var refr = Unsafe.Add(ref REF, j);
            var L9_refractory = Vector256.GreaterThan(refr, ZERO);
            Vector256<double> L10_v_clamp = Vector256.Create(Unsafe.Add(ref UNIFORM, 4));
            L0_v = Vector256.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector256<double> L11_v_d = ((((Vector256.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v) * Vector256.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid + L7_isyn_inh_mid) + Vector256.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj) * Vector256.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector256.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v = (L0_v + L11_v_d);
            L0_v = Vector256.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector256<double> L12_spike = (Vector256.GreaterThanOrEqual(L0_v, Vector256.Create(Unsafe.Add(ref UNIFORM, 10))) & (~L9_refractory));
            L0_v = Vector256.ConditionalSelect(L12_spike, Vector256.Create(Unsafe.Add(ref UNIFORM, 4)), L0_v);
            var REFNEW = Vector256.ConditionalSelect(L9_refractory, refr - ONE, Vector256.ConditionalSelect(L12_spike, Vector256.Create(Unsafe.Add(ref UNIFORM, 11)), refr));
            var S0 = L0_v; var S1 = L6_isyn_exc_end; var S2 = L8_isyn_inh_end;
            Unsafe.Add(ref R0, j) = ZERO;
            Unsafe.Add(ref R1, j) = ZERO;
            Unsafe.Add(ref REF, j) = REFNEW;
            for (uint BITS = Vector256.ExtractMostSignificantBits(L12_spike); BITS != 0; BITS &= BITS - 1) SPK[begin + NSP++] = j * W + BitOperations.TrailingZeroCount(BITS);
            Unsafe.Add(ref B0, j) = S0;
            Unsafe.Add(ref B1, j) = S1;
            Unsafe.Add(ref B2, j) = S2;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int Unroll2(int j, int last, int begin, double[] U, int[] SPK, ref Vector512<double> B0, ref Vector512<double> B1, ref Vector512<double> B2, ref Vector512<double> REF,
        ref Vector512<double> R0, ref Vector512<double> R1, ref Vector512<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector512<double>.Zero; var ONE = Vector512<double>.One;
        int W = 8;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j + 1 < last; j += 2)
        {
            var i_inj_a = Unsafe.Add(ref I_INJ, j);
            Vector512<double> L0_v_a = Unsafe.Add(ref B0, j);
            Vector512<double> L1_isyn_exc_a = Unsafe.Add(ref B1, j);
            Vector512<double> L2_isyn_inh_a = Unsafe.Add(ref B2, j);
            var L3_in0_a = Unsafe.Add(ref R0, j);
            L1_isyn_exc_a = (L1_isyn_exc_a + L3_in0_a);
            var L4_in1_a = Unsafe.Add(ref R1, j);
            L2_isyn_inh_a = (L2_isyn_inh_a + L4_in1_a);
            Vector512<double> L5_isyn_exc_mid_a = (Vector512.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc_a);
            Vector512<double> L6_isyn_exc_end_a = (Vector512.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc_a);
            Vector512<double> L7_isyn_inh_mid_a = (Vector512.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh_a);
            Vector512<double> L8_isyn_inh_end_a = (Vector512.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh_a);
            var refr_a = Unsafe.Add(ref REF, j);
            var L9_refractory_a = Vector512.GreaterThan(refr_a, ZERO);
            Vector512<double> L10_v_clamp_a = Vector512.Create(Unsafe.Add(ref UNIFORM, 4));
            L0_v_a = Vector512.ConditionalSelect(L9_refractory_a, L10_v_clamp_a, L0_v_a);
            Vector512<double> L11_v_d_a = ((((Vector512.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v_a) * Vector512.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid_a + L7_isyn_inh_mid_a) + Vector512.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj_a) * Vector512.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector512.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v_a = (L0_v_a + L11_v_d_a);
            L0_v_a = Vector512.ConditionalSelect(L9_refractory_a, L10_v_clamp_a, L0_v_a);
            Vector512<double> L12_spike_a = (Vector512.GreaterThanOrEqual(L0_v_a, Vector512.Create(Unsafe.Add(ref UNIFORM, 10))) & (~L9_refractory_a));
            L0_v_a = Vector512.ConditionalSelect(L12_spike_a, Vector512.Create(Unsafe.Add(ref UNIFORM, 4)), L0_v_a);
            var REFNEW_a = Vector512.ConditionalSelect(L9_refractory_a, refr_a - ONE, Vector512.ConditionalSelect(L12_spike_a, Vector512.Create(Unsafe.Add(ref UNIFORM, 11)), refr_a));
            var S0_a = L0_v_a; var S1_a = L6_isyn_exc_end_a; var S2_a = L8_isyn_inh_end_a;
            Unsafe.Add(ref R0, j) = ZERO;
            Unsafe.Add(ref R1, j) = ZERO;
            Unsafe.Add(ref REF, j) = REFNEW_a;
            for (ulong BITS_a = Vector512.ExtractMostSignificantBits(L12_spike_a); BITS_a != 0; BITS_a &= BITS_a - 1) SPK[begin + NSP++] = (j) * W + BitOperations.TrailingZeroCount(BITS_a);
            Unsafe.Add(ref B0, j) = S0_a;
            Unsafe.Add(ref B1, j) = S1_a;
            Unsafe.Add(ref B2, j) = S2_a;
            var i_inj_b = Unsafe.Add(ref I_INJ, j + 1);
            Vector512<double> L0_v_b = Unsafe.Add(ref B0, j + 1);
            Vector512<double> L1_isyn_exc_b = Unsafe.Add(ref B1, j + 1);
            Vector512<double> L2_isyn_inh_b = Unsafe.Add(ref B2, j + 1);
            var L3_in0_b = Unsafe.Add(ref R0, j + 1);
            L1_isyn_exc_b = (L1_isyn_exc_b + L3_in0_b);
            var L4_in1_b = Unsafe.Add(ref R1, j + 1);
            L2_isyn_inh_b = (L2_isyn_inh_b + L4_in1_b);
            Vector512<double> L5_isyn_exc_mid_b = (Vector512.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc_b);
            Vector512<double> L6_isyn_exc_end_b = (Vector512.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc_b);
            Vector512<double> L7_isyn_inh_mid_b = (Vector512.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh_b);
            Vector512<double> L8_isyn_inh_end_b = (Vector512.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh_b);
            var refr_b = Unsafe.Add(ref REF, j + 1);
            var L9_refractory_b = Vector512.GreaterThan(refr_b, ZERO);
            Vector512<double> L10_v_clamp_b = Vector512.Create(Unsafe.Add(ref UNIFORM, 4));
            L0_v_b = Vector512.ConditionalSelect(L9_refractory_b, L10_v_clamp_b, L0_v_b);
            Vector512<double> L11_v_d_b = ((((Vector512.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v_b) * Vector512.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid_b + L7_isyn_inh_mid_b) + Vector512.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj_b) * Vector512.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector512.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v_b = (L0_v_b + L11_v_d_b);
            L0_v_b = Vector512.ConditionalSelect(L9_refractory_b, L10_v_clamp_b, L0_v_b);
            Vector512<double> L12_spike_b = (Vector512.GreaterThanOrEqual(L0_v_b, Vector512.Create(Unsafe.Add(ref UNIFORM, 10))) & (~L9_refractory_b));
            L0_v_b = Vector512.ConditionalSelect(L12_spike_b, Vector512.Create(Unsafe.Add(ref UNIFORM, 4)), L0_v_b);
            var REFNEW_b = Vector512.ConditionalSelect(L9_refractory_b, refr_b - ONE, Vector512.ConditionalSelect(L12_spike_b, Vector512.Create(Unsafe.Add(ref UNIFORM, 11)), refr_b));
            var S0_b = L0_v_b; var S1_b = L6_isyn_exc_end_b; var S2_b = L8_isyn_inh_end_b;
            Unsafe.Add(ref R0, j + 1) = ZERO;
            Unsafe.Add(ref R1, j + 1) = ZERO;
            Unsafe.Add(ref REF, j + 1) = REFNEW_b;
            for (ulong BITS_b = Vector512.ExtractMostSignificantBits(L12_spike_b); BITS_b != 0; BITS_b &= BITS_b - 1) SPK[begin + NSP++] = (j + 1) * W + BitOperations.TrailingZeroCount(BITS_b);
            Unsafe.Add(ref B0, j + 1) = S0_b;
            Unsafe.Add(ref B1, j + 1) = S1_b;
            Unsafe.Add(ref B2, j + 1) = S2_b;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int Copy(int j, int last, int begin, double[] U, int[] SPK, ref Vector512<double> B0, ref Vector512<double> B1, ref Vector512<double> B2, ref Vector512<double> REF,
        ref Vector512<double> R0, ref Vector512<double> R1, ref Vector512<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector512<double>.Zero;
        for (; j < last; j++)
        {
            var a = Unsafe.Add(ref I_INJ, j); var b = Unsafe.Add(ref B0, j); var c = Unsafe.Add(ref B1, j); var d = Unsafe.Add(ref B2, j);
            var e = Unsafe.Add(ref R0, j); var f = Unsafe.Add(ref R1, j); var g = Unsafe.Add(ref REF, j);
            Unsafe.Add(ref R0, j) = ZERO; Unsafe.Add(ref R1, j) = ZERO; Unsafe.Add(ref REF, j) = g + a;
            Unsafe.Add(ref B0, j) = b + e; Unsafe.Add(ref B1, j) = c + f; Unsafe.Add(ref B2, j) = d + a;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int NoSpk(int j, int last, int begin, double[] U, int[] SPK, ref Vector512<double> B0, ref Vector512<double> B1, ref Vector512<double> B2, ref Vector512<double> REF,
        ref Vector512<double> R0, ref Vector512<double> R1, ref Vector512<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector512<double>.Zero; var ONE = Vector512<double>.One;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j < last; j++)
        {
            var i_inj = Unsafe.Add(ref I_INJ, j);
            Vector512<double> L0_v = Unsafe.Add(ref B0, j);
            Vector512<double> L1_isyn_exc = Unsafe.Add(ref B1, j);
            Vector512<double> L2_isyn_inh = Unsafe.Add(ref B2, j);
            var L3_in0 = Unsafe.Add(ref R0, j);
            L1_isyn_exc = (L1_isyn_exc + L3_in0);
            var L4_in1 = Unsafe.Add(ref R1, j);
            L2_isyn_inh = (L2_isyn_inh + L4_in1);
            Vector512<double> L5_isyn_exc_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc);
            Vector512<double> L6_isyn_exc_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc);
            Vector512<double> L7_isyn_inh_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh);
            Vector512<double> L8_isyn_inh_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh);
            var refr = Unsafe.Add(ref REF, j);
            var L9_refractory = Vector512.GreaterThan(refr, ZERO);
            Vector512<double> L10_v_clamp = Vector512.Create(Unsafe.Add(ref UNIFORM, 4));
            L0_v = Vector512.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector512<double> L11_v_d = ((((Vector512.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v) * Vector512.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid + L7_isyn_inh_mid) + Vector512.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj) * Vector512.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector512.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v = (L0_v + L11_v_d);
            L0_v = Vector512.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector512<double> L12_spike = (Vector512.GreaterThanOrEqual(L0_v, Vector512.Create(Unsafe.Add(ref UNIFORM, 10))) & (~L9_refractory));
            L0_v = Vector512.ConditionalSelect(L12_spike, Vector512.Create(Unsafe.Add(ref UNIFORM, 4)), L0_v);
            var REFNEW = Vector512.ConditionalSelect(L9_refractory, refr - ONE, Vector512.ConditionalSelect(L12_spike, Vector512.Create(Unsafe.Add(ref UNIFORM, 11)), refr));
            Unsafe.Add(ref R0, j) = ZERO;
            Unsafe.Add(ref R1, j) = ZERO;
            Unsafe.Add(ref REF, j) = REFNEW;
            Unsafe.Add(ref B0, j) = L0_v;
            Unsafe.Add(ref B1, j) = L6_isyn_exc_end;
            Unsafe.Add(ref B2, j) = L8_isyn_inh_end;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int Recmp(int j, int last, int begin, double[] U, int[] SPK, ref Vector512<double> B0, ref Vector512<double> B1, ref Vector512<double> B2, ref Vector512<double> REF,
        ref Vector512<double> R0, ref Vector512<double> R1, ref Vector512<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector512<double>.Zero; var ONE = Vector512<double>.One;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j < last; j++)
        {
            var i_inj = Unsafe.Add(ref I_INJ, j);
            Vector512<double> L0_v = Unsafe.Add(ref B0, j);
            Vector512<double> L1_isyn_exc = Unsafe.Add(ref B1, j);
            Vector512<double> L2_isyn_inh = Unsafe.Add(ref B2, j);
            var L3_in0 = Unsafe.Add(ref R0, j);
            L1_isyn_exc = (L1_isyn_exc + L3_in0);
            var L4_in1 = Unsafe.Add(ref R1, j);
            L2_isyn_inh = (L2_isyn_inh + L4_in1);
            Vector512<double> L5_isyn_exc_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc);
            Vector512<double> L6_isyn_exc_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc);
            Vector512<double> L7_isyn_inh_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh);
            Vector512<double> L8_isyn_inh_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh);
            var refr = Unsafe.Add(ref REF, j);
            Vector512<double> L10_v_clamp = Vector512.Create(Unsafe.Add(ref UNIFORM, 4));
            L0_v = Vector512.ConditionalSelect(Vector512.GreaterThan(refr, ZERO), L10_v_clamp, L0_v);
            Vector512<double> L11_v_d = ((((Vector512.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v) * Vector512.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid + L7_isyn_inh_mid) + Vector512.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj) * Vector512.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector512.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v = (L0_v + L11_v_d);
            L0_v = Vector512.ConditionalSelect(Vector512.GreaterThan(refr, ZERO), L10_v_clamp, L0_v);
            L0_v = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(L0_v, Vector512.Create(Unsafe.Add(ref UNIFORM, 10))) & Vector512.LessThanOrEqual(refr, ZERO), Vector512.Create(Unsafe.Add(ref UNIFORM, 4)), L0_v);
            var REFNEW = Vector512.ConditionalSelect(Vector512.GreaterThan(refr, ZERO), refr - ONE, Vector512.ConditionalSelect(Vector512.Equals(L0_v, Vector512.Create(Unsafe.Add(ref UNIFORM, 4))), Vector512.Create(Unsafe.Add(ref UNIFORM, 11)), refr));
            Unsafe.Add(ref R0, j) = ZERO;
            Unsafe.Add(ref R1, j) = ZERO;
            Unsafe.Add(ref REF, j) = REFNEW;
            Unsafe.Add(ref B0, j) = L0_v;
            Unsafe.Add(ref B1, j) = L6_isyn_exc_end;
            Unsafe.Add(ref B2, j) = L8_isyn_inh_end;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int S1(int j, int last, int begin, double[] U, int[] SPK, ref Vector512<double> B0, ref Vector512<double> B1, ref Vector512<double> B2, ref Vector512<double> REF,
        ref Vector512<double> R0, ref Vector512<double> R1, ref Vector512<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector512<double>.Zero; var ONE = Vector512<double>.One;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j < last; j++)
        {
            var i_inj = Unsafe.Add(ref I_INJ, j);
            Vector512<double> L0_v = Unsafe.Add(ref B0, j);
            Vector512<double> L1_isyn_exc = Unsafe.Add(ref B1, j);
            Vector512<double> L2_isyn_inh = Unsafe.Add(ref B2, j);
            var L3_in0 = Unsafe.Add(ref R0, j);
            L1_isyn_exc = (L1_isyn_exc + L3_in0);
            var L4_in1 = Unsafe.Add(ref R1, j);
            L2_isyn_inh = (L2_isyn_inh + L4_in1);
            Vector512<double> L5_isyn_exc_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc);
            Vector512<double> L6_isyn_exc_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc);
            Vector512<double> L7_isyn_inh_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh);
            Vector512<double> L8_isyn_inh_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh);
            var refr = Unsafe.Add(ref REF, j); var REFNEW = refr;
            Unsafe.Add(ref R0, j) = ZERO;
            Unsafe.Add(ref R1, j) = ZERO;
            Unsafe.Add(ref REF, j) = REFNEW;
            Unsafe.Add(ref B0, j) = L0_v;
            Unsafe.Add(ref B1, j) = L6_isyn_exc_end;
            Unsafe.Add(ref B2, j) = L8_isyn_inh_end;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int S2(int j, int last, int begin, double[] U, int[] SPK, ref Vector512<double> B0, ref Vector512<double> B1, ref Vector512<double> B2, ref Vector512<double> REF,
        ref Vector512<double> R0, ref Vector512<double> R1, ref Vector512<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector512<double>.Zero; var ONE = Vector512<double>.One;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j < last; j++)
        {
            var i_inj = Unsafe.Add(ref I_INJ, j);
            Vector512<double> L0_v = Unsafe.Add(ref B0, j);
            Vector512<double> L1_isyn_exc = Unsafe.Add(ref B1, j);
            Vector512<double> L2_isyn_inh = Unsafe.Add(ref B2, j);
            var L3_in0 = Unsafe.Add(ref R0, j);
            L1_isyn_exc = (L1_isyn_exc + L3_in0);
            var L4_in1 = Unsafe.Add(ref R1, j);
            L2_isyn_inh = (L2_isyn_inh + L4_in1);
            Vector512<double> L5_isyn_exc_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc);
            Vector512<double> L6_isyn_exc_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc);
            Vector512<double> L7_isyn_inh_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh);
            Vector512<double> L8_isyn_inh_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh);
            var refr = Unsafe.Add(ref REF, j);
            var L9_refractory = Vector512.GreaterThan(refr, ZERO);
            Vector512<double> L10_v_clamp = Vector512.Create(Unsafe.Add(ref UNIFORM, 4));
            Vector512<double> L11_v_d = ((((Vector512.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v) * Vector512.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid + L7_isyn_inh_mid) + Vector512.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj) * Vector512.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector512.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v = (L0_v + L11_v_d);
            var REFNEW = refr - ONE;
            Unsafe.Add(ref R0, j) = ZERO;
            Unsafe.Add(ref R1, j) = ZERO;
            Unsafe.Add(ref REF, j) = REFNEW;
            Unsafe.Add(ref B0, j) = L0_v;
            Unsafe.Add(ref B1, j) = L6_isyn_exc_end;
            Unsafe.Add(ref B2, j) = L8_isyn_inh_end;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int NoInj(int j, int last, int begin, double[] U, int[] SPK, ref Vector512<double> B0, ref Vector512<double> B1, ref Vector512<double> B2, ref Vector512<double> REF,
        ref Vector512<double> R0, ref Vector512<double> R1, ref Vector512<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector512<double>.Zero; var ONE = Vector512<double>.One;
        int W = 8;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j < last; j++)
        {
            var i_inj = ZERO;
            Vector512<double> L0_v = Unsafe.Add(ref B0, j);
            Vector512<double> L1_isyn_exc = Unsafe.Add(ref B1, j);
            Vector512<double> L2_isyn_inh = Unsafe.Add(ref B2, j);
            var L3_in0 = Unsafe.Add(ref R0, j);
            L1_isyn_exc = (L1_isyn_exc + L3_in0);
            var L4_in1 = Unsafe.Add(ref R1, j);
            L2_isyn_inh = (L2_isyn_inh + L4_in1);
            Vector512<double> L5_isyn_exc_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc);
            Vector512<double> L6_isyn_exc_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc);
            Vector512<double> L7_isyn_inh_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh);
            Vector512<double> L8_isyn_inh_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh);
            var refr = Unsafe.Add(ref REF, j);
            var L9_refractory = Vector512.GreaterThan(refr, ZERO);
            Vector512<double> L10_v_clamp = Vector512.Create(Unsafe.Add(ref UNIFORM, 4));
            L0_v = Vector512.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector512<double> L11_v_d = ((((Vector512.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v) * Vector512.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid + L7_isyn_inh_mid) + Vector512.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj) * Vector512.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector512.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v = (L0_v + L11_v_d);
            L0_v = Vector512.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector512<double> L12_spike = (Vector512.GreaterThanOrEqual(L0_v, Vector512.Create(Unsafe.Add(ref UNIFORM, 10))) & (~L9_refractory));
            L0_v = Vector512.ConditionalSelect(L12_spike, Vector512.Create(Unsafe.Add(ref UNIFORM, 4)), L0_v);
            var REFNEW = Vector512.ConditionalSelect(L9_refractory, refr - ONE, Vector512.ConditionalSelect(L12_spike, Vector512.Create(Unsafe.Add(ref UNIFORM, 11)), refr));
            Unsafe.Add(ref R0, j) = ZERO;
            Unsafe.Add(ref R1, j) = ZERO;
            Unsafe.Add(ref REF, j) = REFNEW;
            for (ulong BITS = Vector512.ExtractMostSignificantBits(L12_spike); BITS != 0; BITS &= BITS - 1) SPK[begin + NSP++] = j * W + BitOperations.TrailingZeroCount(BITS);
            Unsafe.Add(ref B0, j) = L0_v;
            Unsafe.Add(ref B1, j) = L6_isyn_exc_end;
            Unsafe.Add(ref B2, j) = L8_isyn_inh_end;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int NoRing(int j, int last, int begin, double[] U, int[] SPK, ref Vector512<double> B0, ref Vector512<double> B1, ref Vector512<double> B2, ref Vector512<double> REF,
        ref Vector512<double> R0, ref Vector512<double> R1, ref Vector512<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector512<double>.Zero; var ONE = Vector512<double>.One;
        int W = 8;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j < last; j++)
        {
            var i_inj = Unsafe.Add(ref I_INJ, j);
            Vector512<double> L0_v = Unsafe.Add(ref B0, j);
            Vector512<double> L1_isyn_exc = Unsafe.Add(ref B1, j);
            Vector512<double> L2_isyn_inh = Unsafe.Add(ref B2, j);
            Vector512<double> L5_isyn_exc_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc);
            Vector512<double> L6_isyn_exc_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc);
            Vector512<double> L7_isyn_inh_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh);
            Vector512<double> L8_isyn_inh_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh);
            var refr = Unsafe.Add(ref REF, j);
            var L9_refractory = Vector512.GreaterThan(refr, ZERO);
            Vector512<double> L10_v_clamp = Vector512.Create(Unsafe.Add(ref UNIFORM, 4));
            L0_v = Vector512.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector512<double> L11_v_d = ((((Vector512.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v) * Vector512.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid + L7_isyn_inh_mid) + Vector512.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj) * Vector512.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector512.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v = (L0_v + L11_v_d);
            L0_v = Vector512.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector512<double> L12_spike = (Vector512.GreaterThanOrEqual(L0_v, Vector512.Create(Unsafe.Add(ref UNIFORM, 10))) & (~L9_refractory));
            L0_v = Vector512.ConditionalSelect(L12_spike, Vector512.Create(Unsafe.Add(ref UNIFORM, 4)), L0_v);
            var REFNEW = Vector512.ConditionalSelect(L9_refractory, refr - ONE, Vector512.ConditionalSelect(L12_spike, Vector512.Create(Unsafe.Add(ref UNIFORM, 11)), refr));
            Unsafe.Add(ref REF, j) = REFNEW;
            for (ulong BITS = Vector512.ExtractMostSignificantBits(L12_spike); BITS != 0; BITS &= BITS - 1) SPK[begin + NSP++] = j * W + BitOperations.TrailingZeroCount(BITS);
            Unsafe.Add(ref B0, j) = L0_v;
            Unsafe.Add(ref B1, j) = L6_isyn_exc_end;
            Unsafe.Add(ref B2, j) = L8_isyn_inh_end;
        }
        return NSP;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static int NoStore(int j, int last, int begin, double[] U, int[] SPK, ref Vector512<double> B0, ref Vector512<double> B1, ref Vector512<double> B2, ref Vector512<double> REF,
        ref Vector512<double> R0, ref Vector512<double> R1, ref Vector512<double> I_INJ, ref int NSP)
    {
        var ZERO = Vector512<double>.Zero; var ONE = Vector512<double>.One;
        int W = 8;
        var acc = ZERO;
        ref double UNIFORM = ref MemoryMarshal.GetArrayDataReference(U);
        for (; j < last; j++)
        {
            var i_inj = Unsafe.Add(ref I_INJ, j);
            Vector512<double> L0_v = Unsafe.Add(ref B0, j);
            Vector512<double> L1_isyn_exc = Unsafe.Add(ref B1, j);
            Vector512<double> L2_isyn_inh = Unsafe.Add(ref B2, j);
            var L3_in0 = Unsafe.Add(ref R0, j);
            L1_isyn_exc = (L1_isyn_exc + L3_in0);
            var L4_in1 = Unsafe.Add(ref R1, j);
            L2_isyn_inh = (L2_isyn_inh + L4_in1);
            Vector512<double> L5_isyn_exc_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 0)) * L1_isyn_exc);
            Vector512<double> L6_isyn_exc_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 1)) * L1_isyn_exc);
            Vector512<double> L7_isyn_inh_mid = (Vector512.Create(Unsafe.Add(ref UNIFORM, 2)) * L2_isyn_inh);
            Vector512<double> L8_isyn_inh_end = (Vector512.Create(Unsafe.Add(ref UNIFORM, 3)) * L2_isyn_inh);
            var refr = Unsafe.Add(ref REF, j);
            var L9_refractory = Vector512.GreaterThan(refr, ZERO);
            Vector512<double> L10_v_clamp = Vector512.Create(Unsafe.Add(ref UNIFORM, 4));
            L0_v = Vector512.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector512<double> L11_v_d = ((((Vector512.Create(Unsafe.Add(ref UNIFORM, 5)) - L0_v) * Vector512.Create(Unsafe.Add(ref UNIFORM, 6))) + ((((L5_isyn_exc_mid + L7_isyn_inh_mid) + Vector512.Create(Unsafe.Add(ref UNIFORM, 7))) + i_inj) * Vector512.Create(Unsafe.Add(ref UNIFORM, 8)))) * Vector512.Create(Unsafe.Add(ref UNIFORM, 9)));
            L0_v = (L0_v + L11_v_d);
            L0_v = Vector512.ConditionalSelect(L9_refractory, L10_v_clamp, L0_v);
            Vector512<double> L12_spike = (Vector512.GreaterThanOrEqual(L0_v, Vector512.Create(Unsafe.Add(ref UNIFORM, 10))) & (~L9_refractory));
            L0_v = Vector512.ConditionalSelect(L12_spike, Vector512.Create(Unsafe.Add(ref UNIFORM, 4)), L0_v);
            var REFNEW = Vector512.ConditionalSelect(L9_refractory, refr - ONE, Vector512.ConditionalSelect(L12_spike, Vector512.Create(Unsafe.Add(ref UNIFORM, 11)), refr));
            acc += L0_v + L6_isyn_exc_end + L8_isyn_inh_end + REFNEW;
            for (ulong BITS = Vector512.ExtractMostSignificantBits(L12_spike); BITS != 0; BITS &= BITS - 1) SPK[begin + NSP++] = j * W + BitOperations.TrailingZeroCount(BITS);
        }
        return NSP + (int)acc[0];
    }
}
