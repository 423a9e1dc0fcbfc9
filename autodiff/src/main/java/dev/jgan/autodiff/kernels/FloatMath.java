package dev.jgan.autodiff.kernels;

/**
 * exp, tanh and the logistic function in float32, built only from operations that IEEE 754 and the JLS define
 * to the bit: +, -, *, /, fused multiply-add, min/max, comparisons and bit moves. Their results are therefore an
 * exact function of the input, the same interpreted, C1- or C2-compiled, on every JDK. (The Vector API's
 * {@code lanewise(EXP)} and {@code lanewise(TANH)} are not: HotSpot's intrinsic stubs and the Java fallback
 * differ by an ulp, so a seeded run ended with other parameters depending on when the JIT compiled a loop.)
 *
 * <p>{@link VectorKernels} evaluates the same sequence of operations lane by lane, so the scalar and vector
 * kernels agree bitwise on these three functions. Accuracy against {@code StrictMath} (double, rounded to
 * float), measured over every float by {@code FloatMathTest}'s exhaustive sweep: see docs/reliability.md.
 *
 * <p>NOTE: {@code Math.fma(float, float, float)} is exactly rounded by specification whether or not the CPU has
 * an FMA unit (the fallback computes it exactly in BigDecimal), so it never varies with the JIT either.
 */
final class FloatMath {
    private FloatMath() {}

    // ---- exp: x = n ln2 + r, |r| <= ln2/2; e^x = 2^n e^r.
    /** Below this e^x is under half the smallest subnormal (e^-103.97 = 2^-150): the result is 0. */
    static final float EXP_LOW = -104f;
    /** Above this e^x is +inf (ln(Float.MAX_VALUE) = 88.72: between the two the computation overflows by itself). */
    static final float EXP_HIGH = 89f;
    static final float LOG2E = 1.44269504088896341f;
    /**
     * 1.5 * 2^23: adding it to |v| < 2^22 rounds v to the nearest integer (its ulp is 1) and leaves that integer
     * in the low mantissa bits, as {@code bits(v + SHIFT) - SHIFT_BITS}.
     */
    static final float SHIFT = 0x1.8p23f;
    static final int SHIFT_BITS = 0x4B400000;
    /** ln 2 as a float plus the remainder: x - n ln2 = (x - n LN2_HI) - n LN2_LO, the first difference exact (Sterbenz). */
    static final float LN2_HI = 0.693147182464599609375f;
    static final float LN2_LO = -1.904654299957768e-09f;
    /**
     * (e^r - 1 - r) / r^2 on |r| <= ln2/2 by a degree-5 polynomial (interpolation at Chebyshev nodes, coefficients
     * rounded to float): relative error of e^r below 1e-9 before rounding, 0.012 ulp.
     */
    static final float E2 = 0.5f, E3 = 0.1666666716337204f, E4 = 0.04166646674275398f, E5 = 0.00833331048488617f,
            E6 = 0.0013933649752289057f, E7 = 0.00019890991097781807f;

    // ---- tanh: an odd polynomial near 0, 1 - 2 / (e^2a + 1) beyond, where the subtraction no longer cancels.
    /**
     * Below this |x| the polynomial is used. At 0.625 the quotient 2/(e^2a + 1) is 0.45 of 1, so its rounding
     * reaches the difference scaled by at most 0.8; lower thresholds amplify it (1.2 at 0.5, 3 at 0.25).
     */
    static final float TANH_SMALL = 0.625f;
    /**
     * (tanh(a) - a) / a^3 as a degree-5 polynomial in a^2 on [0, 0.625] (Chebyshev interpolation of the Taylor
     * series' sum, coefficients rounded to float): relative error 0.07 ulp before rounding.
     */
    static final float T3 = -0.3333333432674408f, T5 = 0.13333304226398468f, T7 = -0.053959257900714874f,
            T9 = 0.02176891826093197f, T11 = -0.008343945257365704f, T13 = 0.002292744815349579f;

    /** e^x; NaN gives NaN, +inf +inf, -inf 0. */
    static float exp(float x) {
        // Out of range the reduction below would overflow n's integer: the results are set instead (the vector
        // kernels compute every lane and blend these in). NaN fails both tests and stays NaN through the arithmetic.
        if (x > EXP_HIGH) return Float.POSITIVE_INFINITY;
        if (x < EXP_LOW) return 0f;
        float t = Math.fma(x, LOG2E, SHIFT);
        float n = t - SHIFT;
        // r = r1 + c with r1 = x - n LN2_HI exact and c = -n LN2_LO tiny: e^r = 1 + r1 + r1^2 Q(r1) + c (1 + r1)
        // to well under an ulp. 1 + r1 is split into hi + lo exactly (Fast2Sum, as 1 >= |r1|) and every small term
        // is gathered into lo before the one rounding of hi + lo; rounding r and 1 + r first cost 0.4 ulp more.
        float r = Math.fma(n, -LN2_HI, x);
        float c = n * -LN2_LO;
        float q = Math.fma(Math.fma(Math.fma(Math.fma(E7, r, E6), r, E5), r, E4), r, E3);
        q = Math.fma(q, r, E2);
        float hi = 1f + r;
        float lo = r - (hi - 1f);
        float p = hi + Math.fma(c, hi, Math.fma(r * r, q, lo)); // e^(r + c) in [0.707, 1.414]
        // 2^n in two factors, each a normal float: for n down to -150 a single 2^n would be subnormal or zero.
        // The first product is exact; the second rounds once, into the subnormals where it must.
        int k = Float.floatToRawIntBits(t) - SHIFT_BITS;
        int k1 = k >> 1;
        return p * pow2(k1) * pow2(k - k1);
    }

    /** 2^k for k in [-126, 127]. */
    private static float pow2(int k) {
        return Float.intBitsToFloat((k + 127) << 23);
    }

    /** tanh(x); odd (tanh(-0) = -0), +-inf gives +-1, NaN NaN. */
    static float tanh(float x) {
        float a = Math.abs(x);
        float y;
        if (a < TANH_SMALL) {
            float t = a * a;
            float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(T13, t, T11), t, T9), t, T7), t, T5), t, T3);
            y = Math.fma(a * t, p, a); // a + a^3 P(a^2)
        } else {
            y = 1f - 2f / (exp(2f * a) + 1f); // NaN lands here and stays NaN
        }
        return Math.copySign(y, x);
    }

    /**
     * 1 / (1 + e^-x), as n / d with e = e^-|x| <= 1, d = 1 + e and n = 1 for x >= 0, e for x < 0, so nothing
     * overflows and results down to the subnormals keep their precision. The rounding of d alone would cost up
     * to an ulp of the result (1 + e loses e's low bits), so the quotient y is corrected once:
     * n / (d + dLow) = y + (n - y d - y dLow) / d, the residual exact through fma and 1/d read off as y or 1 - y.
     */
    static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        float d = 1f + e;
        float dLow = e - (d - 1f); // exact (Fast2Sum: 1 >= e)
        boolean nonNegative = x >= 0f; // NaN: false, and NaN flows through e
        float n = nonNegative ? 1f : e;
        float y = n / d;
        float residual = Math.fma(-y, dLow, Math.fma(-y, d, n));
        return Math.fma(residual, nonNegative ? y : 1f - y, y);
    }
}
