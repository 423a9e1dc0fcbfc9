package dev.jgan.autodiff.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API (jdk.incubator.vector); the only class that imports it. Loaded by name from
 * {@link KernelProvider} only when the module is readable, so nothing here links on the fallback path.
 * The vector width is a per-JVM constant ({@link #SPECIES}); tests cover 128, 256 and 512 bits in separate JVMs.
 */
public final class VectorKernels extends ScalarKernels {
    /**
     * The vector species, fixed per JVM: {@code -Djgan.simd.bits=128|256|512} forces a width (tests use it to
     * cover several widths on one machine, as Lucene's {@code tests.vectorsize} does), otherwise the CPU's
     * preferred one.
     * <p>NOTE: it must be a {@code static final} constant. With the species in an instance field (a
     * constructor argument) C2 cannot prove the exact vector class at loop merges and boxes every vector:
     * measured 2.7 GFLOP/s instead of 48 on a 1024^3 GEMM with the same code.
     */
    static final VectorSpecies<Float> SPECIES = chooseSpecies();
    /** Lanes per vector. */
    static final int L = SPECIES.length();

    // ---- GEMM blocking. The micro-kernel computes an MR x NR tile of C with NR = 2 vectors. ----
    /**
     * Rows of the register tile: six with vectors of 512 bits, four below.
     * <p>NOTE: six rows are 6 x 2 accumulators + 2 B vectors + 1 broadcast, 15 of AVX2's 16 registers, too tight for
     * C2, which also keeps the generic kernel's index arithmetic and bounds checks in registers; with four rows and one
     * kernel per operand layout ({@link FourRowKernels}) SGEMM 1024^3 went from 52-55 to 67-73 GFLOP/s on an AVX2
     * machine (JDK 17, 1 thread, two alternated JMH runs; docs/benchmarks.md, "Whole iterations"). An 8-row tile for
     * AVX-512's 32 registers ran faster where C2 compiled it whole (64x784@784x1024 100-102 against 84-90 GFLOP/s,
     * JDK 17), but on JDK 17 a recompilation of that larger method sometimes lost the Vector API intrinsics for some
     * of its stores (boxed vectors, "missing constant" under -XX:+PrintIntrinsics): the DCGAN training step took
     * 830 ms instead of 200, and 1024^3 ran at 55 GFLOP/s in one run out of three. The 6-row tile never did in the
     * same runs.
     */
    static final int MR = L >= 16 ? 6 : 4;
    static final int NR = 2 * L;
    /** Largest depth of a packed block: a KC x NR panel of B (32 KB at 512 bits) stays in L1 while A panels stream from L2. */
    static final int KC = 256;
    /** Rows of C per task, a multiple of MR: the task's MC x KC block of A (96 KB) stays in L2. */
    static final int MC = 96;
    /** Columns of C per packed block of B (KC x NC floats, at most 4 MB, sits in L3). */
    static final int NC = 4096;
    /** Below this many multiply-adds packing does not pay: a plain vector loop is used. */
    static final long SMALL_GEMM = 32L * 32 * 32;
    /**
     * Products of fewer rows than this also take the plain loop (half the six-row tile). A constant rather than MR / 2:
     * the plain loop sums in another order, so the routing must not depend on the tile height, which depends on the
     * vector width, or a two-row product would round differently on AVX2 than with the six-row tile it had before.
     */
    static final int SMALL_GEMM_ROWS = 3;

    private final KernelThreads threads;
    private final BatchedConv conv;
    private final PixelMajorConv pixelMajorConv;
    private final WinogradConv winogradConv;

    VectorKernels(KernelThreads threads) {
        this.threads = threads;
        this.conv = new BatchedConv(this, threads);
        this.pixelMajorConv = new PixelMajorConv(this, threads);
        this.winogradConv = new WinogradConv(this, threads);
    }

    private static VectorSpecies<Float> chooseSpecies() {
        int bits = KernelSettings.current().simdBits();
        return bits == 0 ? FloatVector.SPECIES_PREFERRED : VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /** The factory {@link KernelProvider} finds by name. */
    static Kernels create(KernelThreads threads) {
        return new VectorKernels(threads);
    }

    /** The provider's default, or null when the vectors are narrower than 128 bits. */
    static Kernels createPreferred(KernelThreads threads) {
        return SPECIES.vectorBitSize() >= 128 ? new VectorKernels(threads) : null;
    }

    @Override
    public String name() {
        return "vector-" + SPECIES.vectorBitSize();
    }

    /** The number of threads GEMM and convolution use. */
    public int threads() {
        return threads.threads();
    }

    // =====================================================================================================
    // GEMM
    // =====================================================================================================

    /** Per-thread packing buffers, grown on demand and reused across calls. */
    private static final class Scratch {
        float[] packA = new float[0], packB = new float[0], tile = new float[0];
        /** Depth runs of one panel, as (start, end) pairs or (start, end, offset) triples: at most one per depth row. */
        int[] runs = new int[3 * KC + 3];

        float[] packA(int size) {
            if (packA.length < size) packA = new float[size];
            return packA;
        }

        float[] packB(int size) {
            if (packB.length < size) packB = new float[size];
            return packB;
        }

        float[] tile(int size) {
            if (tile.length < size) tile = new float[size];
            return tile;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            if (beta == 0f) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        if ((long) m * n * k <= SMALL_GEMM || m < SMALL_GEMM_ROWS || n < L) {
            smallGemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Direct directA = n <= DIRECT_A_MAX_N ? new Direct(a, aOff, transA ? 1 : lda, transA ? lda : 1) : null;
        // B in place needs its NR columns contiguous, so only untransposed B qualifies.
        Direct directB = m <= DIRECT_B_MAX_M && !transB ? new Direct(b, bOff, ldb, 1) : null;
        packedGemm(m, n, k,
                (i0, p0, kc, dst, off) -> GemmPacking.packA(transA, a, aOff, lda, m, i0, p0, kc, MR, dst, off), directA,
                (j0, p0, kc, dst, off) -> packB(transB, b, bOff, ldb, n, j0, p0, kc, dst, off), directB,
                beta, c, cOff, ldc);
    }

    /**
     * Packs one panel for the blocked GEMM: for A, rows [start, start + MR) of op(A) at depths [p0, p0 + kc)
     * into {@code dst[off + p * MR + r]}; for B, columns [start, start + NR) into {@code dst[off + p * NR + j]}.
     * Rows or columns past the edge are zeros. Convolution packs straight from the image this way
     * (implicit im2col) instead of materialising the unfolded matrix.
     */
    interface Packer {
        void pack(int start, int p0, int kc, float[] dst, int off);
    }

    /**
     * The blocked GEMM. For each block of NC columns and KC depth: pack op(B) into NR-column panels (in
     * parallel), then run tasks of MC rows by a chunk of columns (in parallel); each task packs its own MC x KC
     * block of op(A) (it stays in L2) and sweeps the B panels (each stays in L1 while the A panels stream past).
     * <p>Invariant: every element of C is summed in the same order whatever the thread count and the task grid
     * (over KC blocks in order, within a block by one micro-kernel call over p in order), so results are
     * bitwise independent of the number of threads.
     */
    void packedGemm(int m, int n, int k, Packer packA, Packer packB, float beta, float[] c, int cOff, int ldc) {
        packedGemm(m, n, k, packA, null, packB, null, beta, c, cOff, ldc);
    }

    /**
     * An operand read in place by the micro-kernel, without packing: worth it when the other dimension of C
     * is small, so each element is used by only a few micro-kernel calls and packing it would cost about as
     * much as the arithmetic (A in place took 6272x576 @ 576x64 from 70 to 100 GFLOP/s). Element (x, y) is
     * at {@code off + x * rowStride + (y / segment) * segmentStride + (y % segment) * colStride}: (i, p) of op(A),
     * or (p, j) of B. Segments let a convolution read an NCHW tensor in place as a matrix whose columns run over
     * (image, position): one segment per image. The GEMM reads in place only runs within one segment.
     */
    record Direct(float[] a, int off, int rowStride, int colStride, int segment, int segmentStride) {
        /** A strided matrix: one segment. */
        Direct(float[] a, int off, int rowStride, int colStride) {
            this(a, off, rowStride, colStride, Integer.MAX_VALUE, 0);
        }

        int offset(int x, int y) {
            return off + x * rowStride + (y / segment) * segmentStride + (y % segment) * colStride;
        }

        /** True when columns [y, y + count) lie in one segment. */
        boolean within(int y, int count) {
            return segment - y % segment >= count;
        }
    }

    /** Columns of C up to which A is read in place rather than packed. */
    static final int DIRECT_A_MAX_N = 128;

    /** Rows of C up to which an untransposed B is read in place rather than packed (the same argument as for A). */
    static final int DIRECT_B_MAX_M = 128;

    /**
     * Where the GEMM writes C: element (i, j) at {@code off + i * ld + (j / segment) * segmentStride + j % segment}.
     * A row-major matrix is one segment; a convolution's NCHW output is one segment per image (segment
     * oh * ow, stride k * oh * ow, ld oh * ow), so the GEMM writes it in place instead of through a layout copy.
     */
    record Output(float[] c, int off, int ld, int segment, int segmentStride) {
        static Output matrix(float[] c, int off, int ld) {
            return new Output(c, off, ld, Integer.MAX_VALUE, 0);
        }

        /** The offset in C of column j, in row 0. */
        int column(int j) {
            return off + (j / segment) * segmentStride + j % segment;
        }

        /** The number of columns from j to the end of its segment. */
        int run(int j) {
            return segment - j % segment;
        }
    }

    /**
     * The blocked GEMM with optionally one operand read in place ({@code direct} for A, {@code directB} for B;
     * null to pack it). A direct A still needs {@code packA} for a partial last row panel, a direct B
     * {@code packB} for a partial last column panel.
     */
    void packedGemm(int m, int n, int k, Packer packA, Direct direct,  Packer packB, Direct directB, float beta, float[] c, int cOff, int ldc) {
        packedGemm(m, n, k, packA, direct, packB, directB, beta, Output.matrix(c, cOff, ldc), null);
    }

    /**
     * The depth ranges of a column panel that can be non-zero, for a B known to hold whole ranges of zero rows per
     * panel (a convolution tap that falls in the padding at that output position): the micro-kernel skips the rest.
     */
    interface DepthRuns {
        /**
         * Writes the runs of depth [p0, p0 + kc) of the panel starting at column j that are not known zeros, as
         * pairs (start, end) relative to p0, in order, into {@code runs}; returns the number of runs.
         */
        int find(int j, int p0, int kc, int[] runs);
    }

    /**
     * Depth runs of a B that some panels read in place, run by run: a convolution's input in a pixel-major layout,
     * where the rows of one tap are a strided block of one pixel and the next tap is another pixel. Panels read in
     * place are not packed; the others are packed by the GEMM's B packer and skip runs as {@link #find} says.
     */
    interface InPlaceRuns extends DepthRuns {
        /** Whether the panel at column j is read in place. */
        boolean inPlace(int j);

        /** The array the panels read in place are in. */
        float[] b();

        /** The distance between consecutive rows of a run, in {@link #b}. */
        int rowStride();

        /**
         * As {@link #find} for a panel read in place, as triples (start, end, offset in {@link #b} of row
         * p0 + start of the panel).
         */
        int findInPlace(int j, int p0, int kc, int[] runs);
    }

    /** The blocked GEMM writing C through {@code out}, skipping known zero depth ranges of B when {@code runs} is not null. */
    void packedGemm(int m, int n, int k, Packer packA, Direct direct,  Packer packB, Direct directB, float beta, Output out, DepthRuns depthRuns) {
        // A direct A is walked linearly along the depth by the micro-kernel: segments are for B (and narrowGemm).
        if (direct != null && direct.segment() != Integer.MAX_VALUE) throw new IllegalArgumentException("packedGemm reads a direct A without segments");
        final int nr = NR;
        final float[] c = out.c;
        // Depth blocks of equal size (576 = 3 x 192, not 256 + 256 + 64): a thin last block would cost a full
        // pass over C for little work. Depends on k only, so the summation order is fixed.
        final int kBlocks = (k + KC - 1) / KC, kcMax = (k + kBlocks - 1) / kBlocks, ncMax = Math.min(NC, n);
        final float[] pb = SCRATCH.get().packB(((ncMax + nr - 1) / nr) * nr * kcMax);
        final int rowBlocks = (m + MC - 1) / MC;
        final int nThreads = threads.threads();
        final InPlaceRuns inPlaceRuns = depthRuns instanceof InPlaceRuns r ? r : null;
        for (int jc = 0; jc < n; jc += NC) {
            final int nc = Math.min(NC, n - jc), j0 = jc;
            final int nPanels = (nc + nr - 1) / nr;
            // Split columns only when there are too few row blocks to keep every thread busy: each column chunk
            // packs the A block again.
            final int colChunks = Math.min(nPanels, rowBlocks >= 2 * nThreads ? 1 : (2 * nThreads + rowBlocks - 1) / rowBlocks);
            final int panelsPerChunk = (nPanels + colChunks - 1) / colChunks;
            for (int pc = 0; pc < k; pc += kcMax) {
                final int kc = Math.min(kcMax, k - pc), p0 = pc;
                final boolean accumulate = beta != 0f || pc > 0;
                // A direct B is packed only where it cannot be read in place: a partial panel, or one across segments.
                threads.parallelFor(nPanels, jp -> {
                    if (inPlaceRuns != null && inPlaceRuns.inPlace(j0 + jp * nr)) return;
                    if (directB == null || !bInPlace(directB, j0 + jp * nr, Math.min(nr, nc - jp * nr))) packB.pack(j0 + jp * nr, p0, kc, pb, jp * nr * kc);
                });
                threads.parallelFor(rowBlocks * colChunks, t -> {
                    int rb = t / colChunks, cb = t % colChunks;
                    int i0 = rb * MC, iEnd = Math.min(m, i0 + MC);
                    int aPanels = (iEnd - i0 + MR - 1) / MR;
                    Scratch scratch = SCRATCH.get();
                    float[] pa = scratch.packA(aPanels * MR * kc);
                    for (int ip = 0; ip < aPanels; ip++)
                        if (direct == null || i0 + (ip + 1) * MR > m) packA.pack(i0 + ip * MR, p0, kc, pa, ip * MR * kc);
                    int jpEnd = Math.min(nPanels, (cb + 1) * panelsPerChunk);
                    for (int jp = cb * panelsPerChunk; jp < jpEnd; jp++) {
                        int j = jp * nr, cols = Math.min(nr, nc - j);
                        boolean runsInPlace = inPlaceRuns != null && inPlaceRuns.inPlace(j0 + j);
                        boolean bInPlace = !runsInPlace && directB != null && bInPlace(directB, j0 + j, cols);
                        float[] bArr = runsInPlace ? inPlaceRuns.b() : bInPlace ? directB.a : pb;
                        int bIdx = bInPlace ? directB.offset(p0, j0 + j) : jp * nr * kc;
                        int bs = runsInPlace ? inPlaceRuns.rowStride() : bInPlace ? directB.rowStride : nr;
                        // Valid columns in one segment: each tile row is a contiguous run of C.
                        boolean contiguous = out.run(j0 + j) >= cols;
                        int column0 = out.column(j0 + j);
                        int[] runs = scratch.runs;
                        int nRuns = runsInPlace ? inPlaceRuns.findInPlace(j0 + j, p0, kc, runs)
                                : depthRuns == null ? -1 : depthRuns.find(j0 + j, p0, kc, runs);
                        for (int ip = 0; ip < aPanels; ip++) {
                            int i = i0 + ip * MR, rows = Math.min(MR, m - i);
                            // A full panel of a direct A is read in place; a partial one was packed with zero rows.
                            boolean inPlace = direct != null && rows == MR;
                            float[] aArr = inPlace ? direct.a : pa;
                            int aIdx = inPlace ? direct.offset(i, p0) : ip * MR * kc;
                            int rs = inPlace ? direct.rowStride : 1, ps = inPlace ? direct.colStride : MR;
                            if (rows == MR && cols == nr && contiguous) {
                                if (nRuns < 0) microKernel(kc, aArr, aIdx, rs, ps, bArr, bIdx, bs, c, column0 + i * out.ld, out.ld, accumulate);
                                else kernelRuns(nRuns, runs, runsInPlace, aArr, aIdx, rs, ps, bArr, bIdx, bs, c, column0 + i * out.ld, out.ld, accumulate);
                                continue;
                            }
                            // A last panel of four rows of a six-row tiling, straight into C.
                            if (MR == 6 && rows == 4 && cols == nr && contiguous && nRuns < 0) {
                                kernel4(kc, aArr, aIdx, rs, ps, bArr, bIdx, bs, c, column0 + i * out.ld, out.ld, accumulate);
                                continue;
                            }
                            // Edge tile, or one that spans segments: the kernel (of four rows for at most four) into a
                            // scratch tile, then the valid part is added or stored, by runs of columns contiguous in C.
                            float[] tile = scratch.tile(MR * NR);
                            if (nRuns < 0 && rows <= 4 && MR == 6) kernel4(kc, aArr, aIdx, rs, ps, bArr, bIdx, bs, tile, 0, nr, false);
                            else if (nRuns < 0) microKernel(kc, aArr, aIdx, rs, ps, bArr, bIdx, bs, tile, 0, nr, false);
                            else kernelRuns(nRuns, runs, runsInPlace, aArr, aIdx, rs, ps, bArr, bIdx, bs, tile, 0, nr, false);
                            for (int q = 0, run; q < cols; q += run) {
                                run = Math.min(cols - q, out.run(j0 + j + q));
                                int ci = out.column(j0 + j + q) + i * out.ld;
                                for (int r = 0; r < rows; r++) storeRow(tile, r * nr + q, c, ci + r * out.ld, run, accumulate);
                            }
                        }
                    }
                });
            }
        }
    }

    /**
     * The micro-kernel for one MR x NR tile: element (r, p) of the A panel at {@code aIdx + r * rs + p * ps}, row p of
     * the B panel at {@code bIdx + p * bs}. With four rows, the layouts that have constant strides go to their own
     * kernels ({@link FourRowKernels}: C2 removes the bounds checks only there); every kernel computes each element
     * as the same FMA chain, so the choice never changes a result.
     */
    private static void microKernel(int kc, float[] a, int aIdx, int rs, int ps, float[] b, int bIdx, int bs, float[] c, int cIdx, int ldc, boolean accumulate) {
        if (MR != 4) kernel(kc, a, aIdx, rs, ps, b, bIdx, bs, c, cIdx, ldc, accumulate);
        else if (rs == 1 && ps == 4 && bs == NR) FourRowKernels.packed(kc, a, aIdx, b, bIdx, c, cIdx, ldc, accumulate);
        else if (rs == 1 && ps == 4) FourRowKernels.packedA(kc, a, aIdx, b, bIdx, bs, c, cIdx, ldc, accumulate);
        else if (ps == 1) FourRowKernels.rows(kc, a, aIdx, rs, b, bIdx, bs, c, cIdx, ldc, accumulate);
        else if (rs == 1) FourRowKernels.columns(kc, a, aIdx, ps, b, bIdx, bs, c, cIdx, ldc, accumulate);
        else kernel4(kc, a, aIdx, rs, ps, b, bIdx, bs, c, cIdx, ldc, accumulate);
    }

    /**
     * The micro-kernel over the given depth runs only; an MR x NR tile of zeros (or nothing, to accumulate) when there
     * are none. The runs are pairs (start, end) of a panel at bIdx, or with {@code located} triples whose third
     * entry is where the run's rows of B start.
     */
    private static void kernelRuns(int nRuns, int[] runs, boolean located, float[] pa, int aIdx, int rs, int ps, float[] pb, int bIdx, int bs,
                                   float[] c, int cIdx, int ldc, boolean accumulate) {
        int width = located ? 3 : 2;
        for (int r = 0; r < nRuns; r++) {
            int start = runs[width * r], end = runs[width * r + 1], b = located ? runs[width * r + 2] : bIdx + start * bs;
            microKernel(end - start, pa, aIdx + start * ps, rs, ps, pb, b, bs, c, cIdx, ldc, accumulate || r > 0);
        }
        if (nRuns == 0 && !accumulate)
            for (int r = 0; r < MR; r++) java.util.Arrays.fill(c, cIdx + r * ldc, cIdx + r * ldc + NR, 0f);
    }

    /**
     * Rows of the narrow micro-kernel's tile, which is one vector wide. Eight, not twelve: filter counts are
     * usually multiples of eight, and a last partial block recomputes rows (64 filters took 72 rows of work); the
     * DCGAN's one-channel weight gradient took 0.43 ms instead of 0.46-0.47 (JDK 17 and 25, 1 thread).
     */
    static final int NARROW_MR = 8;

    /**
     * C [m, n] = A [m, k] @ B [k, n] for n at most one vector: the blocked GEMM's panels are two vectors wide, so it
     * would waste half its arithmetic (a convolution's weight gradient with a 4x4 one-channel patch: n = 16 at 512
     * bits). B is packed once, all of its depth, as a [k, L] panel ({@code packB.pack(0, 0, k, dst, 0)} must fill a
     * panel L wide); A is read in place, eight rows at a time, in parallel over row blocks. Each element is one FMA
     * chain over the whole depth, so results do not depend on the thread count.
     */
    void narrowGemm(int m, int n, int k, Direct a, Packer packB, float[] c, int cOff, int ldc) {
        if ((long) k * L > Integer.MAX_VALUE - 8 || (long) k * NARROW_MR > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("narrow GEMM depth " + k + " is too large for one packed panel");
        final float[] pb = SCRATCH.get().packB(k * L);
        packB.pack(0, 0, k, pb, 0);
        if (m < NARROW_MR) {
            // Fewer rows than one block: zero-padded into a packed block.
            float[] pa = SCRATCH.get().packA(NARROW_MR * k), tile = SCRATCH.get().tile(NARROW_MR * L);
            for (int p = 0; p < k; p++)
                for (int r = 0; r < NARROW_MR; r++) pa[p * NARROW_MR + r] = r < m ? a.a[a.offset(r, p)] : 0f;
            narrowKernel(k, pa, 0, 1, NARROW_MR, pb, 0, tile, false);
            for (int r = 0; r < m; r++) System.arraycopy(tile, r * L, c, cOff + r * ldc, n);
            return;
        }
        threads.parallelFor((m + NARROW_MR - 1) / NARROW_MR, block -> {
            // A last partial block is computed as the last eight rows: the rows it shares with the block before
            // come out bitwise the same (the same chains over the same depth), and only its new rows are written.
            int i0 = Math.min(block * NARROW_MR, m - NARROW_MR), first = block * NARROW_MR - i0;
            float[] tile = SCRATCH.get().tile(NARROW_MR * L);
            // One chain per segment of A's depth (an image of an NCHW tensor read in place), added up in order.
            for (int p = 0, len; p < k; p += len) {
                len = Math.min(k - p, a.segment - p % a.segment);
                narrowKernel(len, a.a, a.offset(i0, p), a.rowStride, a.colStride, pb, p * L, tile, p > 0);
            }
            for (int r = first; r < NARROW_MR; r++) System.arraycopy(tile, r * L, c, cOff + (i0 + r) * ldc, n);
        });
    }

    /**
     * tile[r * L + j] (+)= sum over p of A[r, p] * B[p, j] for eight rows and p in [0, k): element (r, p) of A at
     * aIdx + r * rs + p * ps, row p of B at bIdx + p * L. The rows are reached by stepping, as in {@link #kernel}.
     */
    private static void narrowKernel(int k, float[] pa, int aIdx, int rs, int ps, float[] pb, int bIdx, float[] tile, boolean accumulate) {
        final VectorSpecies<Float> sp = SPECIES;
        FloatVector c0 = FloatVector.zero(sp), c1 = FloatVector.zero(sp);
        FloatVector c2 = FloatVector.zero(sp), c3 = FloatVector.zero(sp);
        FloatVector c4 = FloatVector.zero(sp), c5 = FloatVector.zero(sp);
        FloatVector c6 = FloatVector.zero(sp), c7 = FloatVector.zero(sp);
        if (accumulate) {
            c0 = FloatVector.fromArray(sp, tile, 0);
            c1 = FloatVector.fromArray(sp, tile, L);
            c2 = FloatVector.fromArray(sp, tile, 2 * L);
            c3 = FloatVector.fromArray(sp, tile, 3 * L);
            c4 = FloatVector.fromArray(sp, tile, 4 * L);
            c5 = FloatVector.fromArray(sp, tile, 5 * L);
            c6 = FloatVector.fromArray(sp, tile, 6 * L);
            c7 = FloatVector.fromArray(sp, tile, 7 * L);
        }
        for (int p = 0; p < k; p++) {
            int ai = aIdx + p * ps;
            FloatVector b = FloatVector.fromArray(sp, pb, bIdx + p * L);
            c0 = FloatVector.broadcast(sp, pa[ai]).fma(b, c0);
            c1 = FloatVector.broadcast(sp, pa[ai += rs]).fma(b, c1);
            c2 = FloatVector.broadcast(sp, pa[ai += rs]).fma(b, c2);
            c3 = FloatVector.broadcast(sp, pa[ai += rs]).fma(b, c3);
            c4 = FloatVector.broadcast(sp, pa[ai += rs]).fma(b, c4);
            c5 = FloatVector.broadcast(sp, pa[ai += rs]).fma(b, c5);
            c6 = FloatVector.broadcast(sp, pa[ai += rs]).fma(b, c6);
            c7 = FloatVector.broadcast(sp, pa[ai += rs]).fma(b, c7);
        }
        c0.intoArray(tile, 0 * L);
        c1.intoArray(tile, 1 * L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L);
        c5.intoArray(tile, 5 * L);
        c6.intoArray(tile, 6 * L);
        c7.intoArray(tile, 7 * L);
    }

    /**
     * {@link #kernel} for the first four rows of a panel only: a last panel of at most four rows (16 rows as
     * 6 + 6 + 4: a one-channel 4x4 convolution's input gradient) would otherwise compute six. Each element's chain
     * is the same as in {@link #kernel}, so the rows come out bitwise the same.
     */
    private static void kernel4(int kc, float[] pa, int aIdx, int rs, int ps, float[] pb, int bIdx, int bs, float[] c, int cIdx, int ldc, boolean accumulate) {
        final VectorSpecies<Float> sp = SPECIES;
        final int l = L;
        FloatVector c00 = FloatVector.zero(sp), c01 = FloatVector.zero(sp);
        FloatVector c10 = FloatVector.zero(sp), c11 = FloatVector.zero(sp);
        FloatVector c20 = FloatVector.zero(sp), c21 = FloatVector.zero(sp);
        FloatVector c30 = FloatVector.zero(sp), c31 = FloatVector.zero(sp);
        for (int p = 0; p < kc; p++) {
            int ai = aIdx + p * ps, bi = bIdx + p * bs;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + l);
            FloatVector av = FloatVector.broadcast(sp, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(sp, pa[ai += rs]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(sp, pa[ai += rs]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(sp, pa[ai += rs]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        int r0 = cIdx, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(sp, c, r0));
            c01 = c01.add(FloatVector.fromArray(sp, c, r0 + l));
            c10 = c10.add(FloatVector.fromArray(sp, c, r1));
            c11 = c11.add(FloatVector.fromArray(sp, c, r1 + l));
            c20 = c20.add(FloatVector.fromArray(sp, c, r2));
            c21 = c21.add(FloatVector.fromArray(sp, c, r2 + l));
            c30 = c30.add(FloatVector.fromArray(sp, c, r3));
            c31 = c31.add(FloatVector.fromArray(sp, c, r3 + l));
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + l);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + l);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + l);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + l);
    }

    /** Whether the micro-kernel can read the panel of B at column j, {@code cols} wide, in place. */
    private static boolean bInPlace(Direct directB, int j, int cols) {
        return cols == NR && directB.within(j, NR);
    }

    /** c[ci, ci + cols) = (or +=) tile[t, t + cols): one row of an edge tile. */
    private static void storeRow(float[] tile, int t, float[] c, int ci, int cols, boolean accumulate) {
        final VectorSpecies<Float> sp = SPECIES;
        int q = 0;
        for (int end = cols - L; q <= end; q += L) {
            FloatVector v = FloatVector.fromArray(sp, tile, t + q);
            (accumulate ? v.add(FloatVector.fromArray(sp, c, ci + q)) : v).intoArray(c, ci + q);
        }
        if (q == cols) return;
        if (!accumulate && cols >= L) {
            // The last whole vector of the row, overlapping the one before: its lanes already stored get the same values.
            FloatVector.fromArray(sp, tile, t + cols - L).intoArray(c, ci + cols - L);
            return;
        }
        for (; q < cols; q++) c[ci + q] = accumulate ? c[ci + q] + tile[t + q] : tile[t + q];
    }

    /** {@link GemmPacking#packB} with a vector copy for the common case of a full panel of untransposed B. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int n, int j0, int p0, int kc, float[] dst, int dstOff) {
        if (transB || n - j0 < NR) {
            GemmPacking.packB(transB, b, bOff, ldb, n, j0, p0, kc, NR, dst, dstOff);
            return;
        }
        final VectorSpecies<Float> sp = SPECIES;
        for (int p = 0; p < kc; p++) {
            int src = bOff + (p0 + p) * ldb + j0, d = dstOff + p * NR;
            FloatVector.fromArray(sp, b, src).intoArray(dst, d);
            FloatVector.fromArray(sp, b, src + L).intoArray(dst, d + L);
        }
    }

    /** dst[d, d + len) = src[s, s + len), by vectors: cheaper than System.arraycopy for the runs of a panel row. */
    static void copy(float[] src, int s, float[] dst, int d, int len) {
        int j = 0;
        for (int end = len - L; j <= end; j += L) FloatVector.fromArray(SPECIES, src, s + j).intoArray(dst, d + j);
        for (; j < len; j++) dst[d + j] = src[s + j];
    }

    /** One row of a B panel by vector gathers: {@code dst[d + jj] = source[base + index[t + jj]]} for jj in [0, NR). */
    static void gatherPanelRow(float[] source, int base, int[] index, int t, float[] dst, int d) {
        gatherVector(source, base, index, t, dst, d);
        gatherVector(source, base, index, t + L, dst, d + L);
    }

    /** {@code dst[d + jj] = source[base + index[t + jj]]} for jj in [0, L): one vector gather. */
    static void gatherVector(float[] source, int base, int[] index, int t, float[] dst, int d) {
        FloatVector.fromArray(SPECIES, source, base, index, t).intoArray(dst, d);
    }

    /**
     * The register-tiled micro-kernel: C[0..MR, 0..NR) (+)= sum over p of Apanel[p, 0..MR) (x) Bpanel[p, 0..NR),
     * with twelve independent FMA chains (enough to cover the FMA latency on two pipes). Element (r, p) of the A
     * panel is at {@code aIdx + r * rs + p * ps}, row p of the B panel at {@code bIdx + p * bs}.
     * <p>NOTE: the rows of A are reached by stepping {@code ai += rs}, not through five precomputed offsets: those
     * held five more registers in the loop, which measured 98-105 GFLOP/s against 110-115 (JDK 17 and 25, panels
     * in cache, ad-hoc timing), for packed and in-place A alike.
     */
    private static void kernel(int kc, float[] pa, int aIdx, int rs, int ps, float[] pb, int bIdx, int bs, float[] c, int cIdx, int ldc, boolean accumulate) {
        final VectorSpecies<Float> sp = SPECIES;
        final int l = L;
        FloatVector c00 = FloatVector.zero(sp), c01 = FloatVector.zero(sp);
        FloatVector c10 = FloatVector.zero(sp), c11 = FloatVector.zero(sp);
        FloatVector c20 = FloatVector.zero(sp), c21 = FloatVector.zero(sp);
        FloatVector c30 = FloatVector.zero(sp), c31 = FloatVector.zero(sp);
        FloatVector c40 = FloatVector.zero(sp), c41 = FloatVector.zero(sp);
        FloatVector c50 = FloatVector.zero(sp), c51 = FloatVector.zero(sp);
        for (int p = 0; p < kc; p++) {
            int ai = aIdx + p * ps, bi = bIdx + p * bs;
            FloatVector b0 = FloatVector.fromArray(sp, pb, bi);
            FloatVector b1 = FloatVector.fromArray(sp, pb, bi + l);
            FloatVector av = FloatVector.broadcast(sp, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(sp, pa[ai += rs]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(sp, pa[ai += rs]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(sp, pa[ai += rs]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(sp, pa[ai += rs]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(sp, pa[ai += rs]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        // NOTE: written out rather than through a helper taking vectors: a vector passed to a method that
        // is not inlined gets boxed, which cost a factor of three here.
        int r0 = cIdx, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(sp, c, r0));
            c01 = c01.add(FloatVector.fromArray(sp, c, r0 + l));
            c10 = c10.add(FloatVector.fromArray(sp, c, r1));
            c11 = c11.add(FloatVector.fromArray(sp, c, r1 + l));
            c20 = c20.add(FloatVector.fromArray(sp, c, r2));
            c21 = c21.add(FloatVector.fromArray(sp, c, r2 + l));
            c30 = c30.add(FloatVector.fromArray(sp, c, r3));
            c31 = c31.add(FloatVector.fromArray(sp, c, r3 + l));
            c40 = c40.add(FloatVector.fromArray(sp, c, r4));
            c41 = c41.add(FloatVector.fromArray(sp, c, r4 + l));
            c50 = c50.add(FloatVector.fromArray(sp, c, r5));
            c51 = c51.add(FloatVector.fromArray(sp, c, r5 + l));
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + l);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + l);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + l);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + l);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + l);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + l);
    }

    /** GEMM without packing for small or skinny products: rows of C updated by vector axpy or dot products. */
    private void smallGemm(boolean transA, boolean transB, int m, int n, int k,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
        if (!transB && n >= L) {
            // Rows of C by vectors: C[i, :] += A[i, p] * B[p, :] over p.
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                if (beta == 0f) java.util.Arrays.fill(c, ci, ci + n, 0f);
                for (int p = 0; p < k; p++) axpy(transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p], b, bOff + p * ldb, c, ci, n);
            }
            return;
        }
        Scratch scratch = SCRATCH.get();
        if (transA && n < L) {
            // A^T stored [k, m]: its rows run along C's columns of length m, so C^T [n, m] is built by axpys along m
            // (C^T[j, :] += B(p, j) A[p, :] over p in order), then written out. Gathering A's columns instead read
            // k strided floats per row of C: 260 us for 512x2x128, against 37 this way.
            float[] ct = scratch.tile(n * m);
            java.util.Arrays.fill(ct, 0, n * m, 0f);
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++) axpy(transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j], a, aOff + p * lda, ct, j * m, m);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) c[cOff + i * ldc + j] = beta == 0f ? ct[j * m + i] : c[cOff + i * ldc + j] + ct[j * m + i];
            return;
        }
        // Each element of C as one dot product over k: op(A)'s row i (gathered when A is transposed) with op(B)'s
        // column j (B transposed once into scratch when it is not). Narrow outputs (n < L: a critic's single logit,
        // the gradients of a layer with two inputs) took one axpy of n elements per (i, p) otherwise: 23% of a
        // second-order Unrolled GAN step on the 8-Gaussians MLPs.
        float[] bt = b;
        int btOff = bOff, btStride = ldb;
        if (!transB) {
            bt = scratch.packB(n * k);
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++) bt[j * k + p] = b[bOff + p * ldb + j];
            btOff = 0;
            btStride = k;
        }
        float[] row = transA ? scratch.tile(k) : null;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            float[] ar = a;
            int ai = aOff + i * lda;
            if (transA) {
                for (int p = 0; p < k; p++) row[p] = a[aOff + p * lda + i];
                ar = row;
                ai = 0;
            }
            for (int j = 0; j < n; j++) {
                float d = dot(ar, ai, bt, btOff + j * btStride, k);
                c[ci + j] = beta == 0f ? d : c[ci + j] + d;
            }
        }
    }

    // =====================================================================================================
    // BLAS-1
    // =====================================================================================================

    /**
     * The sum of the lanes, in lane order, through {@code lanes[off, off + L)}, which the caller allocates once
     * for all its sums (one array per sum made the power-iteration step allocate 11-44 KB).
     * <p>NOTE: not {@code reduceLanes(ADD)}: its order of additions is unspecified and differs between the
     * interpreter and compiled code (seen on JDK 25), so the same call could give two results in one run.
     */
    private static float sumLanes(FloatVector v, float[] lanes, int off) {
        v.intoArray(lanes, off);
        float s = 0f;
        for (int i = 0; i < L; i++) s += lanes[off + i];
        return s;
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        final VectorSpecies<Float> sp = SPECIES;
        final int l = L;
        int i = 0;
        float s = 0f;
        float[] lanes = n >= l ? new float[l] : null;
        if (n >= 4 * l) {
            // Four accumulators hide the FMA latency.
            FloatVector s0 = FloatVector.zero(sp), s1 = FloatVector.zero(sp), s2 = FloatVector.zero(sp), s3 = FloatVector.zero(sp);
            for (int end = n - 4 * l; i <= end; i += 4 * l) {
                s0 = FloatVector.fromArray(sp, a, aOff + i).fma(FloatVector.fromArray(sp, b, bOff + i), s0);
                s1 = FloatVector.fromArray(sp, a, aOff + i + l).fma(FloatVector.fromArray(sp, b, bOff + i + l), s1);
                s2 = FloatVector.fromArray(sp, a, aOff + i + 2 * l).fma(FloatVector.fromArray(sp, b, bOff + i + 2 * l), s2);
                s3 = FloatVector.fromArray(sp, a, aOff + i + 3 * l).fma(FloatVector.fromArray(sp, b, bOff + i + 3 * l), s3);
            }
            s = sumLanes(s0.add(s1).add(s2.add(s3)), lanes, 0);
        }
        if (n - i >= l) {
            FloatVector s0 = FloatVector.zero(sp);
            for (int end = n - l; i <= end; i += l) s0 = FloatVector.fromArray(sp, a, aOff + i).fma(FloatVector.fromArray(sp, b, bOff + i), s0);
            s += sumLanes(s0, lanes, 0);
        }
        for (; i < n; i++) s = Math.fma(a[aOff + i], b[bOff + i], s);
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        final VectorSpecies<Float> sp = SPECIES;
        final int l = L;
        int i = 0;
        FloatVector av = FloatVector.broadcast(sp, alpha);
        for (int end = n - l; i <= end; i += l) {
            FloatVector.fromArray(sp, x, xOff + i).fma(av, FloatVector.fromArray(sp, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }

    @Override
    public void adamStep(float[] p, float[] g, float[] m, float[] v, float[] vmax, int n, boolean first,
                         float beta1, float beta2, float eps, float weightDecay, float invBc2, float stepSize) {
        final VectorSpecies<Float> sp = SPECIES;
        final float c1 = 1f - beta1, c2 = 1f - beta2;
        int i = 0;
        // Lane by lane the operations of ScalarKernels.adamElement, in its order (mul, add, div and sqrt are exactly
        // rounded both ways), so each element comes out bitwise the same.
        for (int end = n - L; i <= end; i += L) {
            FloatVector pv = FloatVector.fromArray(sp, p, i), gw = FloatVector.fromArray(sp, g, i);
            if (weightDecay != 0f) gw = gw.add(pv.mul(weightDecay));
            FloatVector gm = gw.mul(c1), gv = gw.mul(gw).mul(c2);
            FloatVector mi = first ? gm : FloatVector.fromArray(sp, m, i).mul(beta1).add(gm);
            FloatVector vi = first ? gv : FloatVector.fromArray(sp, v, i).mul(beta2).add(gv);
            FloatVector u = vmax == null || first ? vi : FloatVector.fromArray(sp, vmax, i).max(vi);
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            if (vmax != null) u.intoArray(vmax, i);
            FloatVector root = u.sqrt().blend(0f, u.compare(VectorOperators.GT, 0f).not());
            pv.sub(mi.div(root.mul(invBc2).add(eps)).mul(stepSize)).intoArray(p, i);
        }
        for (; i < n; i++) adamElement(p, g, m, v, vmax, i, first, beta1, beta2, eps, weightDecay, invBc2, stepSize);
    }

    // =====================================================================================================
    // Batch normalisation: one channel's values are n runs of hw ([n, c, hw]); runs shorter than a vector take
    // ScalarKernels' loops. Each channel is one work item, summed in a fixed order (lanes, then the runs' tails),
    // so the results do not depend on the thread count.
    // =====================================================================================================

    /** Below this many elements the channels run on the calling thread. */
    static final int BATCH_NORM_PARALLEL = 1 << 15;

    private void forEachChannel(int n, int c, int hw, java.util.function.IntConsumer body) {
        if ((long) n * c * hw >= BATCH_NORM_PARALLEL) threads.parallelFor(c, body);
        else for (int ch = 0; ch < c; ch++) body.accept(ch);
    }

    @Override
    public void batchNormStatistics(float[] x, int n, int c, int hw, float[] mean, float[] var) {
        if (hw < L) {
            super.batchNormStatistics(x, n, c, hw, mean, var);
            return;
        }
        float count = (float) n * hw;
        forEachChannel(n, c, hw, ch -> {
            // The lane accumulators live in an array between runs: a vector carried across the two nested loops
            // was boxed on every step by C2 (JDK 25, 512 bits), allocating in the hot loop.
            float[] lanes = new float[L];
            float tail = 0f;
            for (int img = 0; img < n; img++) {
                int at = (img * c + ch) * hw;
                addRun(x, at, hw, lanes);
                for (int i = hw - hw % L; i < hw; i++) tail += x[at + i];
            }
            float m = (sumArray(lanes) + tail) / count;
            java.util.Arrays.fill(lanes, 0f);
            float sqTail = 0f;
            for (int img = 0; img < n; img++) {
                int at = (img * c + ch) * hw;
                addSquaredDeviations(x, at, hw, m, lanes);
                for (int i = hw - hw % L; i < hw; i++) {
                    float d = x[at + i] - m;
                    sqTail += d * d;
                }
            }
            mean[ch] = m;
            var[ch] = (sumArray(lanes) + sqTail) / count;
        });
    }

    /** acc += the whole vectors of x[at, at + hw), lane by lane. */
    private static void addRun(float[] x, int at, int hw, float[] acc) {
        final VectorSpecies<Float> sp = SPECIES;
        FloatVector a = FloatVector.fromArray(sp, acc, 0);
        for (int i = 0, end = hw - L; i <= end; i += L) a = a.add(FloatVector.fromArray(sp, x, at + i));
        a.intoArray(acc, 0);
    }

    /** acc += (x - m)^2 over the whole vectors of x[at, at + hw), lane by lane. */
    private static void addSquaredDeviations(float[] x, int at, int hw, float m, float[] acc) {
        final VectorSpecies<Float> sp = SPECIES;
        FloatVector mv = FloatVector.broadcast(sp, m), a = FloatVector.fromArray(sp, acc, 0);
        for (int i = 0, end = hw - L; i <= end; i += L) {
            FloatVector d = FloatVector.fromArray(sp, x, at + i).sub(mv);
            a = a.add(d.mul(d));
        }
        a.intoArray(acc, 0);
    }

    /** The lanes of acc summed in order: the fixed-order end of a vector sum. */
    private static float sumArray(float[] acc) {
        float s = 0f;
        for (int i = 0; i < L; i++) s += acc[i];
        return s;
    }

    @Override
    public void batchNormForward(float[] x, int n, int c, int hw, float[] mean, float[] scale, float[] shift, float[] out) {
        if (hw < L) {
            super.batchNormForward(x, n, c, hw, mean, scale, shift, out);
            return;
        }
        final VectorSpecies<Float> sp = SPECIES;
        forEachChannel(n, c, hw, ch -> {
            float m = mean[ch], s = scale[ch], t = shift[ch];
            FloatVector mv = FloatVector.broadcast(sp, m), sv = FloatVector.broadcast(sp, s), tv = FloatVector.broadcast(sp, t);
            for (int img = 0; img < n; img++) {
                int at = (img * c + ch) * hw, i = 0;
                for (int end = hw - L; i <= end; i += L)
                    FloatVector.fromArray(sp, x, at + i).sub(mv).mul(sv).add(tv).intoArray(out, at + i);
                for (; i < hw; i++) out[at + i] = (x[at + i] - m) * s + t;
            }
        });
    }

    @Override
    public void batchNormBackwardSums(float[] gy, float[] x, int n, int c, int hw, float[] mean, float[] sumGy, float[] sumGyXc) {
        if (hw < L) {
            super.batchNormBackwardSums(gy, x, n, c, hw, mean, sumGy, sumGyXc);
            return;
        }
        forEachChannel(n, c, hw, ch -> {
            float[] lanes = new float[L], lanesXc = new float[L]; // arrays between runs, as in batchNormStatistics
            float m = mean[ch], tail = 0f, tailXc = 0f;
            for (int img = 0; img < n; img++) {
                int at = (img * c + ch) * hw;
                addGradSums(gy, x, at, hw, m, lanes, lanesXc);
                for (int i = hw - hw % L; i < hw; i++) {
                    tail += gy[at + i];
                    tailXc += gy[at + i] * (x[at + i] - m);
                }
            }
            sumGy[ch] = sumArray(lanes) + tail;
            sumGyXc[ch] = sumArray(lanesXc) + tailXc;
        });
    }

    /** acc += gy and accXc += gy (x - m) over the whole vectors of [at, at + hw), lane by lane. */
    private static void addGradSums(float[] gy, float[] x, int at, int hw, float m, float[] acc, float[] accXc) {
        final VectorSpecies<Float> sp = SPECIES;
        FloatVector mv = FloatVector.broadcast(sp, m), a = FloatVector.fromArray(sp, acc, 0), aXc = FloatVector.fromArray(sp, accXc, 0);
        for (int i = 0, end = hw - L; i <= end; i += L) {
            FloatVector g = FloatVector.fromArray(sp, gy, at + i);
            a = a.add(g);
            aXc = aXc.add(g.mul(FloatVector.fromArray(sp, x, at + i).sub(mv)));
        }
        a.intoArray(acc, 0);
        aXc.intoArray(accXc, 0);
    }

    @Override
    public void batchNormInputGrad(float[] gy, float[] x, int n, int c, int hw, float[] mean, float[] gyShift, float[] scale,
                                   float[] xScale, float[] dx) {
        if (hw < L) {
            super.batchNormInputGrad(gy, x, n, c, hw, mean, gyShift, scale, xScale, dx);
            return;
        }
        final VectorSpecies<Float> sp = SPECIES;
        forEachChannel(n, c, hw, ch -> {
            float m = mean[ch], g0 = gyShift[ch], s = scale[ch], xs = xScale[ch];
            FloatVector mv = FloatVector.broadcast(sp, m), g0v = FloatVector.broadcast(sp, g0);
            FloatVector sv = FloatVector.broadcast(sp, s), xsv = FloatVector.broadcast(sp, xs);
            for (int img = 0; img < n; img++) {
                int at = (img * c + ch) * hw, i = 0;
                for (int end = hw - L; i <= end; i += L) {
                    FloatVector a = FloatVector.fromArray(sp, gy, at + i).sub(g0v).mul(sv);
                    a.sub(FloatVector.fromArray(sp, x, at + i).sub(mv).mul(xsv)).intoArray(dx, at + i);
                }
                for (; i < hw; i++) dx[at + i] = (gy[at + i] - g0) * s - (x[at + i] - m) * xs;
            }
        });
    }

    // =====================================================================================================
    // Convolution: Winograd F(4x4, 2x2) for kernels twice the stride, else implicit im2col + the blocked GEMM,
    // pixel-major for batches of at least NR images
    // =====================================================================================================

    @Override
    public void conv2d(ConvGeometry g, float[] x, float[] w, float[] out) {
        if (WinogradConv.suits(g)) winogradConv.forward(g, x, w, out);
        else if (PixelMajorConv.suits(g)) pixelMajorConv.forward(g, x, w, out);
        else conv.forward(g, x, w, out);
    }

    @Override
    public void conv2dInputGrad(ConvGeometry g, float[] gy, float[] w, float[] dx) {
        if (WinogradConv.suits(g)) winogradConv.inputGrad(g, gy, w, dx);
        else if (PixelMajorConv.suits(g)) pixelMajorConv.inputGrad(g, gy, w, dx);
        else conv.inputGrad(g, gy, w, dx);
    }

    @Override
    public void conv2dWeightGrad(ConvGeometry g, float[] x, float[] gy, float[] dw) {
        if (WinogradConv.suits(g)) winogradConv.weightGrad(g, x, gy, dw);
        else if (PixelMajorConv.suits(g)) pixelMajorConv.weightGrad(g, x, gy, dw);
        else conv.weightGrad(g, x, gy, dw);
    }

    // =====================================================================================================
    // Power iteration
    // =====================================================================================================

    /** Columns of v per parallel item of the W^T u pass: a multiple of every vector length, fixed, so sums do not depend on threads. */
    private static final int PI_COLS = 1024;
    /** Rows per parallel item of the W v pass. */
    private static final int PI_ROWS = 64;
    /** Below this many elements of W the two passes run on the calling thread. */
    private static final int PI_PARALLEL = 1 << 20;

    @Override
    public float powerIteration(float[] w, int wOff, int rows, int cols, float[] u, float[] v, int iterations, float eps) {
        float[] wv = new float[rows];
        boolean parallel = (long) rows * cols >= PI_PARALLEL;
        float sigma = 0f;
        for (int it = 0; it < iterations; it++) {
            // v = W^T u: each item owns a slice of v and sweeps all rows, four at a time, so v is loaded and
            // stored once per four rows of W.
            int colItems = (cols + PI_COLS - 1) / PI_COLS;
            if (parallel) threads.parallelFor(colItems, t -> transposedProduct(w, wOff, rows, cols, u, v, t * PI_COLS, Math.min(cols, (t + 1) * PI_COLS)));
            else transposedProduct(w, wOff, rows, cols, u, v, 0, cols);
            float vInv = 1f / Math.max((float) Math.sqrt(dot(v, 0, v, 0, cols)), eps);
            scale(v, cols, vInv);
            // wv = W v, four rows at a time sharing the loads of v.
            int rowItems = (rows + PI_ROWS - 1) / PI_ROWS;
            if (parallel) threads.parallelFor(rowItems, t -> product(w, wOff, cols, v, wv, t * PI_ROWS, Math.min(rows, (t + 1) * PI_ROWS)));
            else product(w, wOff, cols, v, wv, 0, rows);
            float norm = Math.max((float) Math.sqrt(dot(wv, 0, wv, 0, rows)), eps);
            for (int i = 0; i < rows; i++) u[i] = wv[i] / norm;
            sigma = dot(u, 0, wv, 0, rows);
        }
        return sigma;
    }

    private void scale(float[] x, int n, float f) {
        int i = 0;
        for (int end = n - L; i <= end; i += L) FloatVector.fromArray(SPECIES, x, i).mul(f).intoArray(x, i);
        for (; i < n; i++) x[i] *= f;
    }

    /** v[j0..j1) = sum over i of u[i] W[i, j0..j1), in order of i. */
    private static void transposedProduct(float[] w, int wOff, int rows, int cols, float[] u, float[] v, int j0, int j1) {
        final VectorSpecies<Float> sp = SPECIES;
        java.util.Arrays.fill(v, j0, j1, 0f);
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            float u0 = u[i], u1 = u[i + 1], u2 = u[i + 2], u3 = u[i + 3];
            int r0 = wOff + i * cols, r1 = r0 + cols, r2 = r1 + cols, r3 = r2 + cols;
            FloatVector u0v = FloatVector.broadcast(sp, u0), u1v = FloatVector.broadcast(sp, u1);
            FloatVector u2v = FloatVector.broadcast(sp, u2), u3v = FloatVector.broadcast(sp, u3);
            int j = j0;
            for (int end = j1 - L; j <= end; j += L) {
                FloatVector acc = FloatVector.fromArray(sp, v, j);
                acc = FloatVector.fromArray(sp, w, r0 + j).fma(u0v, acc);
                acc = FloatVector.fromArray(sp, w, r1 + j).fma(u1v, acc);
                acc = FloatVector.fromArray(sp, w, r2 + j).fma(u2v, acc);
                acc = FloatVector.fromArray(sp, w, r3 + j).fma(u3v, acc);
                acc.intoArray(v, j);
            }
            for (; j < j1; j++) {
                float acc = v[j];
                acc = Math.fma(w[r0 + j], u0, acc);
                acc = Math.fma(w[r1 + j], u1, acc);
                acc = Math.fma(w[r2 + j], u2, acc);
                acc = Math.fma(w[r3 + j], u3, acc);
                v[j] = acc;
            }
        }
        for (; i < rows; i++) {
            float ui = u[i];
            FloatVector uv = FloatVector.broadcast(sp, ui);
            int r = wOff + i * cols, j = j0;
            for (int end = j1 - L; j <= end; j += L)
                FloatVector.fromArray(sp, w, r + j).fma(uv, FloatVector.fromArray(sp, v, j)).intoArray(v, j);
            for (; j < j1; j++) v[j] = Math.fma(w[r + j], ui, v[j]);
        }
    }

    /** wv[i] = W[i, :] . v for i in [i0, i1). */
    private void product(float[] w, int wOff, int cols, float[] v, float[] wv, int i0, int i1) {
        final VectorSpecies<Float> sp = SPECIES;
        float[] lanes = new float[4 * L];
        int i = i0;
        for (; i + 4 <= i1; i += 4) {
            int r0 = wOff + i * cols, r1 = r0 + cols, r2 = r1 + cols, r3 = r2 + cols;
            FloatVector s0 = FloatVector.zero(sp), s1 = FloatVector.zero(sp), s2 = FloatVector.zero(sp), s3 = FloatVector.zero(sp);
            int j = 0;
            for (int end = cols - L; j <= end; j += L) {
                FloatVector vj = FloatVector.fromArray(sp, v, j);
                s0 = FloatVector.fromArray(sp, w, r0 + j).fma(vj, s0);
                s1 = FloatVector.fromArray(sp, w, r1 + j).fma(vj, s1);
                s2 = FloatVector.fromArray(sp, w, r2 + j).fma(vj, s2);
                s3 = FloatVector.fromArray(sp, w, r3 + j).fma(vj, s3);
            }
            float t0 = sumLanes(s0, lanes, 0), t1 = sumLanes(s1, lanes, L);
            float t2 = sumLanes(s2, lanes, 2 * L), t3 = sumLanes(s3, lanes, 3 * L);
            for (; j < cols; j++) {
                float vj = v[j];
                t0 = Math.fma(w[r0 + j], vj, t0);
                t1 = Math.fma(w[r1 + j], vj, t1);
                t2 = Math.fma(w[r2 + j], vj, t2);
                t3 = Math.fma(w[r3 + j], vj, t3);
            }
            wv[i] = t0;
            wv[i + 1] = t1;
            wv[i + 2] = t2;
            wv[i + 3] = t3;
        }
        for (; i < i1; i++) wv[i] = dot(w, wOff + i * cols, v, 0, cols);
    }

    // =====================================================================================================
    // Elementwise and reductions
    // =====================================================================================================

    @Override
    public void unary(UnaryOp op, float p, float q, float[] x, int xOff, float[] out, int outOff, int n) {
        final VectorSpecies<Float> sp = SPECIES;
        final int end = n - L;
        int i = 0;
        // NOTE: one loop per op rather than a helper returning a vector: a vector crossing a call that is not
        // inlined is boxed.
        switch (op) {
            case NEG:
                for (; i <= end; i += L) FloatVector.fromArray(sp, x, xOff + i).neg().intoArray(out, outOff + i);
                break;
            case ABS:
                for (; i <= end; i += L) FloatVector.fromArray(sp, x, xOff + i).abs().intoArray(out, outOff + i);
                break;
            case SQUARE:
                for (; i <= end; i += L) {
                    FloatVector v = FloatVector.fromArray(sp, x, xOff + i);
                    v.mul(v).intoArray(out, outOff + i);
                }
                break;
            case RELU:
                // x < 0 ? 0 : x as the scalar kernel: NaN and -0 pass through (max(x, 0) would turn -0 into +0).
                for (; i <= end; i += L) {
                    FloatVector v = FloatVector.fromArray(sp, x, xOff + i);
                    v.blend(0f, v.compare(VectorOperators.LT, 0f)).intoArray(out, outOff + i);
                }
                break;
            case LEAKY_RELU:
                for (; i <= end; i += L) {
                    FloatVector v = FloatVector.fromArray(sp, x, xOff + i);
                    v.blend(v.mul(p), v.compare(VectorOperators.GT, 0f).not()).intoArray(out, outOff + i);
                }
                break;
            case LEAKY_RELU_DERIVATIVE: {
                FloatVector slope = FloatVector.broadcast(sp, p);
                for (; i <= end; i += L)
                    slope.blend(1f, FloatVector.fromArray(sp, x, xOff + i).compare(VectorOperators.GT, 0f)).intoArray(out, outOff + i);
                break;
            }
            case CLAMP:
                for (; i <= end; i += L) FloatVector.fromArray(sp, x, xOff + i).max(p).min(q).intoArray(out, outOff + i);
                break;
            case ADD_SCALAR:
                for (; i <= end; i += L) FloatVector.fromArray(sp, x, xOff + i).add(p).intoArray(out, outOff + i);
                break;
            case MUL_SCALAR:
                for (; i <= end; i += L) FloatVector.fromArray(sp, x, xOff + i).mul(p).intoArray(out, outOff + i);
                break;
            case GT_SCALAR: {
                FloatVector zero = FloatVector.zero(sp);
                for (; i <= end; i += L)
                    zero.blend(1f, FloatVector.fromArray(sp, x, xOff + i).compare(VectorOperators.GT, p)).intoArray(out, outOff + i);
                break;
            }
            case IN_RANGE: {
                // The mask of relu's and clamp's gradients.
                FloatVector zero = FloatVector.zero(sp);
                for (; i <= end; i += L) {
                    FloatVector v = FloatVector.fromArray(sp, x, xOff + i);
                    zero.blend(1f, v.compare(VectorOperators.GE, p).and(v.compare(VectorOperators.LE, q))).intoArray(out, outOff + i);
                }
                break;
            }
            case EXP:
            case TANH:
            case SIGMOID:
                i = expFamily(op, x, xOff, out, outOff, n);
                break;
            default:
                break; // the rest (SIN and COS among them, for bitwise determinism) run the scalar loop below
        }
        for (; i < n; i++) out[outOff + i] = apply(op, p, q, x[xOff + i]);
    }

    /**
     * exp, tanh and sigmoid over the whole vectors of x; returns the index of the first element left for the scalar
     * tail. Each lane runs exactly {@link FloatMath}'s sequence of operations (add, mul, fma, min/max, compare,
     * bit moves: all exactly rounded on every JIT tier), so results are bitwise FloatMath's, and the same whether
     * this loop runs interpreted or compiled. (The Vector API's lanewise EXP and TANH are not: its intrinsic
     * stubs and its Java fallback differ by an ulp.)
     * <p>2^n is applied as one factor when every lane's n is in [-126, 127] (the result is then exact, so it equals
     * FloatMath's two factors bitwise), and as FloatMath's two factors with its out-of-range results only for vectors
     * that need them (subnormal or infinite results, NaN, |x| beyond the range): two multiplies and two blends less in
     * the common case, which brought exp back to the speed of the Vector API's intrinsic (docs/benchmarks.md).
     * <p>NOTE: the e^x sequence is written out in each loop: as a helper taking and returning vectors it would box
     * them whenever C2 declines to inline it (see {@link #binaryRow}).
     */
    private static int expFamily(UnaryOp op, float[] x, int xOff, float[] out, int outOff, int n) {
        final VectorSpecies<Float> sp = SPECIES;
        final int end = n - L;
        final FloatVector one = FloatVector.broadcast(sp, 1f), two = FloatVector.broadcast(sp, 2f);
        final FloatVector ln2Hi = FloatVector.broadcast(sp, -FloatMath.LN2_HI), ln2Lo = FloatVector.broadcast(sp, -FloatMath.LN2_LO);
        final FloatVector e2 = FloatVector.broadcast(sp, FloatMath.E2), e3 = FloatVector.broadcast(sp, FloatMath.E3),
                e4 = FloatVector.broadcast(sp, FloatMath.E4), e5 = FloatVector.broadcast(sp, FloatMath.E5),
                e6 = FloatVector.broadcast(sp, FloatMath.E6), e7 = FloatVector.broadcast(sp, FloatMath.E7);
        final FloatVector t3 = FloatVector.broadcast(sp, FloatMath.T3), t5 = FloatVector.broadcast(sp, FloatMath.T5),
                t7 = FloatVector.broadcast(sp, FloatMath.T7), t9 = FloatVector.broadcast(sp, FloatMath.T9),
                t11 = FloatVector.broadcast(sp, FloatMath.T11), t13 = FloatVector.broadcast(sp, FloatMath.T13);
        int i = 0;
        switch (op) {
            case EXP:
                for (; i <= end; i += L) {
                    // ---- e = e^xc, as FloatMath.exp
                    FloatVector xc = FloatVector.fromArray(sp, x, xOff + i);
                    FloatVector t = xc.fma(FloatMath.LOG2E, FloatMath.SHIFT), nf = t.sub(FloatMath.SHIFT);
                    FloatVector r = nf.fma(ln2Hi, xc), c = nf.mul(ln2Lo);
                    FloatVector q = e7.fma(r, e6).fma(r, e5).fma(r, e4).fma(r, e3).fma(r, e2);
                    FloatVector hi = one.add(r), lo = r.sub(hi.sub(one));
                    FloatVector pr = hi.add(c.fma(hi, r.mul(r).fma(q, lo)));
                    IntVector k = t.reinterpretAsInts().sub(FloatMath.SHIFT_BITS);
                    FloatVector e;
                    if (k.compare(VectorOperators.LT, -126).or(k.compare(VectorOperators.GT, 127)).anyTrue()) {
                        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
                        e = pr.mul(k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                                .mul(k.sub(k1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                                .blend(Float.POSITIVE_INFINITY, xc.compare(VectorOperators.GT, FloatMath.EXP_HIGH))
                                .blend(0f, xc.compare(VectorOperators.LT, FloatMath.EXP_LOW));
                    } else {
                        e = pr.mul(k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                    }
                    // ----
                    e.intoArray(out, outOff + i);
                }
                break;
            case TANH:
                for (; i <= end; i += L) {
                    FloatVector v = FloatVector.fromArray(sp, x, xOff + i), a = v.abs();
                    // Small |x|: a + a^3 P(a^2), as FloatMath.tanh.
                    FloatVector t2 = a.mul(a);
                    FloatVector poly = t13.fma(t2, t11).fma(t2, t9).fma(t2, t7).fma(t2, t5).fma(t2, t3);
                    poly = a.mul(t2).fma(poly, a);
                    // ---- e = e^2a, as FloatMath.exp
                    FloatVector xc = a.add(a);
                    FloatVector t = xc.fma(FloatMath.LOG2E, FloatMath.SHIFT), nf = t.sub(FloatMath.SHIFT);
                    FloatVector r = nf.fma(ln2Hi, xc), c = nf.mul(ln2Lo);
                    FloatVector q = e7.fma(r, e6).fma(r, e5).fma(r, e4).fma(r, e3).fma(r, e2);
                    FloatVector hi = one.add(r), lo = r.sub(hi.sub(one));
                    FloatVector pr = hi.add(c.fma(hi, r.mul(r).fma(q, lo)));
                    IntVector k = t.reinterpretAsInts().sub(FloatMath.SHIFT_BITS);
                    FloatVector e;
                    if (k.compare(VectorOperators.LT, -126).or(k.compare(VectorOperators.GT, 127)).anyTrue()) {
                        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
                        e = pr.mul(k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                                .mul(k.sub(k1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                                .blend(Float.POSITIVE_INFINITY, xc.compare(VectorOperators.GT, FloatMath.EXP_HIGH))
                                .blend(0f, xc.compare(VectorOperators.LT, FloatMath.EXP_LOW));
                    } else {
                        e = pr.mul(k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                    }
                    // ----
                    FloatVector y = one.sub(two.div(e.add(one))).blend(poly, a.compare(VectorOperators.LT, FloatMath.TANH_SMALL));
                    // copySign(y, v): y has no sign bit of its own (NaN aside, which keeps its payload either way).
                    y.reinterpretAsInts().or(v.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats().intoArray(out, outOff + i);
                }
                break;
            case SIGMOID:
                for (; i <= end; i += L) {
                    FloatVector v = FloatVector.fromArray(sp, x, xOff + i);
                    // ---- e = e^-|v|, as FloatMath.exp
                    FloatVector xc = v.abs().neg();
                    FloatVector t = xc.fma(FloatMath.LOG2E, FloatMath.SHIFT), nf = t.sub(FloatMath.SHIFT);
                    FloatVector r = nf.fma(ln2Hi, xc), c = nf.mul(ln2Lo);
                    FloatVector q = e7.fma(r, e6).fma(r, e5).fma(r, e4).fma(r, e3).fma(r, e2);
                    FloatVector hi = one.add(r), lo = r.sub(hi.sub(one));
                    FloatVector pr = hi.add(c.fma(hi, r.mul(r).fma(q, lo)));
                    IntVector k = t.reinterpretAsInts().sub(FloatMath.SHIFT_BITS);
                    FloatVector e;
                    if (k.compare(VectorOperators.LT, -126).or(k.compare(VectorOperators.GT, 127)).anyTrue()) {
                        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
                        e = pr.mul(k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                                .mul(k.sub(k1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                                .blend(Float.POSITIVE_INFINITY, xc.compare(VectorOperators.GT, FloatMath.EXP_HIGH))
                                .blend(0f, xc.compare(VectorOperators.LT, FloatMath.EXP_LOW));
                    } else {
                        e = pr.mul(k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                    }
                    // ----
                    FloatVector d = one.add(e), dLow = e.sub(d.sub(one));
                    VectorMask<Float> nonNegative = v.compare(VectorOperators.GE, 0f);
                    FloatVector num = e.blend(one, nonNegative), y = num.div(d);
                    FloatVector residual = y.neg().fma(dLow, y.neg().fma(d, num));
                    residual.fma(one.sub(y).blend(y, nonNegative), y).intoArray(out, outOff + i);
                }
                break;
            default:
                throw new AssertionError(op);
        }
        return i;
    }

    @Override
    protected void binaryRow(BinaryOp op, float[] a, int ia, int sa, float[] b, int ib, int sb, float[] out, int o, int n) {
        boolean arithmetic = op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL || op == BinaryOp.DIV
                || op == BinaryOp.MAX || op == BinaryOp.MIN;
        if (!arithmetic || n < L || (sa | sb) > 1 || (sa | sb) == 0) {
            super.binaryRow(op, a, ia, sa, b, ib, sb, out, o, n);
            return;
        }
        int j = 0;
        final int end = n - L;
        // NOTE: one loop per operation, each naming its operation as a constant. Both a lanewise(op) with the
        // operator chosen at run time and a helper taking and returning vectors (once it is compiled on its own,
        // too big to inline) fall back to the Java implementation, 10-100x slower: measured 40% and then 6% of a
        // DCGAN iteration.
        switch (op) {
            case ADD:
                for (; j <= end; j += L) operand(a, ia, sa, j).add(operand(b, ib, sb, j)).intoArray(out, o + j);
                break;
            case SUB:
                for (; j <= end; j += L) operand(a, ia, sa, j).sub(operand(b, ib, sb, j)).intoArray(out, o + j);
                break;
            case MUL:
                for (; j <= end; j += L) operand(a, ia, sa, j).mul(operand(b, ib, sb, j)).intoArray(out, o + j);
                break;
            case DIV:
                for (; j <= end; j += L) operand(a, ia, sa, j).div(operand(b, ib, sb, j)).intoArray(out, o + j);
                break;
            case MAX:
                for (; j <= end; j += L) operand(a, ia, sa, j).max(operand(b, ib, sb, j)).intoArray(out, o + j);
                break;
            case MIN:
                for (; j <= end; j += L) operand(a, ia, sa, j).min(operand(b, ib, sb, j)).intoArray(out, o + j);
                break;
            default:
                throw new AssertionError(op);
        }
        for (; j < n; j++) out[o + j] = apply(op, a[ia + j * sa], b[ib + j * sb]);
    }

    @Override
    protected void whereRow(float[] mask, int im, int sm, float[] a, int ia, int sa, float[] b, int ib, int sb, float[] out, int o, int n) {
        int j = 0;
        if (n >= L && (sm | sa | sb) <= 1) {
            for (int end = n - L; j <= end; j += L)
                operand(b, ib, sb, j).blend(operand(a, ia, sa, j), operand(mask, im, sm, j).compare(VectorOperators.NE, 0f)).intoArray(out, o + j);
        }
        for (; j < n; j++) out[o + j] = mask[im + j * sm] != 0f ? a[ia + j * sa] : b[ib + j * sb];
    }

    /** Lanes [j, j + L) of a row with stride 1, or its one value broadcast for stride 0. Small enough to be inlined. */
    private static FloatVector operand(float[] x, int i0, int stride, int j) {
        return stride == 0 ? FloatVector.broadcast(SPECIES, x[i0]) : FloatVector.fromArray(SPECIES, x, i0 + j);
    }

    @Override
    public void reduce(ReduceOp op, float[] x, int outer, int len, int inner, float[] out) {
        final VectorSpecies<Float> sp = SPECIES;
        boolean sum = op == ReduceOp.SUM;
        float init = sum ? 0f : Float.NEGATIVE_INFINITY;
        float[] lanes = new float[L];
        for (int o = 0; o < outer; o++) {
            int base = o * len * inner, ob = o * inner;
            if (inner == 1) {
                // A contiguous run of len values: lane-wise partial results, then one horizontal reduction.
                int r = 0;
                float acc = init;
                if (len >= L) {
                    FloatVector va = FloatVector.broadcast(sp, init);
                    for (int end = len - L; r <= end; r += L) {
                        FloatVector v = FloatVector.fromArray(sp, x, base + r);
                        va = sum ? va.add(v) : va.max(v);
                    }
                    acc = sum ? sumLanes(va, lanes, 0) : va.reduceLanes(VectorOperators.MAX);
                }
                for (; r < len; r++) acc = sum ? acc + x[base + r] : Math.max(acc, x[base + r]);
                out[ob] = acc;
                continue;
            }
            java.util.Arrays.fill(out, ob, ob + inner, init);
            for (int r = 0; r < len; r++) {
                int row = base + r * inner, i = 0;
                for (int end = inner - L; i <= end; i += L) {
                    FloatVector acc = FloatVector.fromArray(sp, out, ob + i), v = FloatVector.fromArray(sp, x, row + i);
                    (sum ? acc.add(v) : acc.max(v)).intoArray(out, ob + i);
                }
                for (; i < inner; i++) out[ob + i] = sum ? out[ob + i] + x[row + i] : Math.max(out[ob + i], x[row + i]);
            }
        }
    }
}
