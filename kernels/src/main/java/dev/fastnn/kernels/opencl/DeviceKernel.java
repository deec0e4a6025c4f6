package dev.fastnn.kernels.opencl;

import com.aparapi.Kernel;

/**
 * Every OpenCL operation of {@link OpenClBackend} in one Aparapi kernel, chosen by the {@link #op} field.
 *
 * <p>Why one class and not one kernel per operation: Aparapi keeps an OpenCL buffer per kernel instance
 * and per array field (see {@link OpenClBackend}). Matrices therefore live as slices of one arena array,
 * {@link #mem}, that only this kernel instance binds, so data written by a gemm is where the following
 * sigmoid reads it. No array field is ever pointed at another array (except {@code mem} when the arena
 * grows): uploads and downloads go through fixed staging arrays of 17 capacities, {@code in0..in16} and
 * {@code out0..out16} (16 floats doubling up to 1048576), at most one chunk per capacity per launch, so that
 * any length moves in one launch with less than 16 floats of padding; reductions use {@link #partials}.
 *
 * <p>Aparapi translates {@link #run()} to OpenCL C from bytecode, which limits what it may contain: no
 * {@code switch}, no calls to other classes, no exceptions, no objects; {@code exp}, {@code tanh},
 * {@code log}, {@code sqrt} are Kernel's float versions so that the device needs no fp64. Ops are
 * uniform across a launch, so the barriers inside the gemm branch are reached by every work-item.
 */
public final class DeviceKernel extends Kernel {
    /** Work-group side and K step of the gemm. */
    static final int TILE = 16;
    /** Side of the C tile one gemm work-group computes: 4 x 4 elements per work-item. */
    static final int BLOCK = 4 * TILE;
    /** Work-items (and so partial sums) of a reduction; the host adds the partials in double. */
    static final int PARTIALS = 256;

    static final int OP_COPY_IN = 1;
    static final int OP_COPY_OUT = 2;
    static final int OP_GEMM = 3;
    static final int OP_SIGMOID = 4;
    static final int OP_TANH = 5;
    static final int OP_RELU = 6;
    static final int OP_SOFTMAX = 7;
    static final int OP_SIGMOID_DERIVATIVE = 8;
    static final int OP_GRAD_SIGMOID = 9;
    static final int OP_GRAD_TANH = 10;
    static final int OP_GRAD_RELU = 11;
    static final int OP_GRAD_SOFTMAX = 12;
    static final int OP_ADD_ROW = 13;
    static final int OP_COLUMN_SUMS = 14;
    static final int OP_AXPY = 15;
    static final int OP_SCALE = 16;
    static final int OP_FILL = 17;
    static final int OP_COPY = 18;
    static final int OP_HADAMARD = 19;
    static final int OP_SUBTRACT = 20;
    static final int OP_SSE_PARTIALS = 21;
    static final int OP_CROSS_ENTROPY_PARTIALS = 22;
    static final int OP_ADAM = 23;

    /** The arena: every matrix of the backend is {@code mem[offset .. offset + size)}. */
    float[] mem;
    /** Staging capacities in floats: {@code 16 * 2^c}, c = 0..16, so any length up to 2^21 - 16 moves in one launch. */
    static final int[] CAPACITY = {16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576};

    final float[] in0 = new float[16];
    final float[] in1 = new float[32];
    final float[] in2 = new float[64];
    final float[] in3 = new float[128];
    final float[] in4 = new float[256];
    final float[] in5 = new float[512];
    final float[] in6 = new float[1024];
    final float[] in7 = new float[2048];
    final float[] in8 = new float[4096];
    final float[] in9 = new float[8192];
    final float[] in10 = new float[16384];
    final float[] in11 = new float[32768];
    final float[] in12 = new float[65536];
    final float[] in13 = new float[131072];
    final float[] in14 = new float[262144];
    final float[] in15 = new float[524288];
    final float[] in16 = new float[1048576];
    final float[] out0 = new float[16];
    final float[] out1 = new float[32];
    final float[] out2 = new float[64];
    final float[] out3 = new float[128];
    final float[] out4 = new float[256];
    final float[] out5 = new float[512];
    final float[] out6 = new float[1024];
    final float[] out7 = new float[2048];
    final float[] out8 = new float[4096];
    final float[] out9 = new float[8192];
    final float[] out10 = new float[16384];
    final float[] out11 = new float[32768];
    final float[] out12 = new float[65536];
    final float[] out13 = new float[131072];
    final float[] out14 = new float[262144];
    final float[] out15 = new float[524288];
    final float[] out16 = new float[1048576];
    /** Reduction results: {@value #PARTIALS} partial sums, then as many secondary sums. */
    final float[] partials = new float[2 * PARTIALS];

    /** Per staging capacity: the arena offset of this launch's chunk and its length (0: unused). */
    int chunkAt0;
    int chunkAt1;
    int chunkAt2;
    int chunkAt3;
    int chunkAt4;
    int chunkAt5;
    int chunkAt6;
    int chunkAt7;
    int chunkAt8;
    int chunkAt9;
    int chunkAt10;
    int chunkAt11;
    int chunkAt12;
    int chunkAt13;
    int chunkAt14;
    int chunkAt15;
    int chunkAt16;
    int chunkLength0;
    int chunkLength1;
    int chunkLength2;
    int chunkLength3;
    int chunkLength4;
    int chunkLength5;
    int chunkLength6;
    int chunkLength7;
    int chunkLength8;
    int chunkLength9;
    int chunkLength10;
    int chunkLength11;
    int chunkLength12;
    int chunkLength13;
    int chunkLength14;
    int chunkLength15;
    int chunkLength16;

    @Local
    final float[] tileA = new float[BLOCK * TILE];
    @Local
    final float[] tileB = new float[TILE * BLOCK];

    int op;
    /** Elements an elementwise op covers; rows for row-wise ops and the gemm's M. */
    int n;
    int m;
    int k;
    /** Columns of the first operand (row-wise ops), of op(B) and C (gemm). */
    int cols;
    int lda;
    int ldb;
    int transA;
    int transB;
    int offA;
    int offB;
    int offC;
    int offD;
    float alpha;
    float beta;
    float beta1;
    float beta2;
    float epsilon;
    float correction1;
    float correction2;

    DeviceKernel(float[] arena) {
        this.mem = arena;
    }

    @Override
    public void run() {
        if (op == OP_COPY_IN) {
            copyIn();
        } else if (op == OP_COPY_OUT) {
            copyOut();
        } else if (op == OP_GEMM) {
            gemm();
        } else if (op == OP_SOFTMAX) {
            softmaxRow();
        } else if (op == OP_GRAD_SOFTMAX) {
            softmaxGradientRow();
        } else if (op == OP_COLUMN_SUMS) {
            columnSum();
        } else if (op == OP_SSE_PARTIALS) {
            squaredErrorPartial();
        } else if (op == OP_CROSS_ENTROPY_PARTIALS) {
            crossEntropyPartial();
        } else {
            elementwise();
        }
    }

    private void elementwise() {
        int i = getGlobalId();
        if (i < n) {
            if (op == OP_SIGMOID) {
                mem[offC + i] = 1f / (1f + exp(-mem[offA + i]));
            } else if (op == OP_TANH) {
                mem[offC + i] = saturatingTanh(mem[offA + i]);
            } else if (op == OP_RELU) {
                // Not max(0, x): OpenCL's fmax drops a NaN, Java's Math.max (the reference) keeps it.
                float x = mem[offA + i];
                float y = 0f;
                if (x > 0f || x != x) {
                    y = x;
                }
                mem[offC + i] = y;
            } else if (op == OP_SIGMOID_DERIVATIVE) {
                float s = mem[offA + i];
                mem[offC + i] = s * (1f - s);
            } else if (op == OP_GRAD_SIGMOID) {
                float y = mem[offA + i];
                mem[offC + i] = mem[offB + i] * y * (1f - y);
            } else if (op == OP_GRAD_TANH) {
                float y = mem[offA + i];
                mem[offC + i] = mem[offB + i] * (1f - y * y);
            } else if (op == OP_GRAD_RELU) {
                float g = 0f;
                if (mem[offA + i] > 0f) {
                    g = mem[offB + i];
                }
                mem[offC + i] = g;
            } else if (op == OP_ADD_ROW) {
                mem[offA + i] = mem[offA + i] + mem[offB + i % cols];
            } else if (op == OP_AXPY) {
                mem[offB + i] = mem[offB + i] + alpha * mem[offA + i];
            } else if (op == OP_SCALE) {
                mem[offA + i] = mem[offA + i] * alpha;
            } else if (op == OP_FILL) {
                mem[offA + i] = alpha;
            } else if (op == OP_COPY) {
                mem[offC + i] = mem[offA + i];
            } else if (op == OP_HADAMARD) {
                mem[offC + i] = mem[offA + i] * mem[offB + i];
            } else if (op == OP_SUBTRACT) {
                mem[offC + i] = mem[offA + i] - mem[offB + i];
            } else if (op == OP_ADAM) {
                adam(i);
            }
        }
    }

    /** Work-item i copies element i of every chunk that long; the chunks go to unrelated arena places. */
    private void copyIn() {
        int i = getGlobalId();
        if (i < chunkLength0) {
            mem[chunkAt0 + i] = in0[i];
        }
        if (i < chunkLength1) {
            mem[chunkAt1 + i] = in1[i];
        }
        if (i < chunkLength2) {
            mem[chunkAt2 + i] = in2[i];
        }
        if (i < chunkLength3) {
            mem[chunkAt3 + i] = in3[i];
        }
        if (i < chunkLength4) {
            mem[chunkAt4 + i] = in4[i];
        }
        if (i < chunkLength5) {
            mem[chunkAt5 + i] = in5[i];
        }
        if (i < chunkLength6) {
            mem[chunkAt6 + i] = in6[i];
        }
        if (i < chunkLength7) {
            mem[chunkAt7 + i] = in7[i];
        }
        if (i < chunkLength8) {
            mem[chunkAt8 + i] = in8[i];
        }
        if (i < chunkLength9) {
            mem[chunkAt9 + i] = in9[i];
        }
        if (i < chunkLength10) {
            mem[chunkAt10 + i] = in10[i];
        }
        if (i < chunkLength11) {
            mem[chunkAt11 + i] = in11[i];
        }
        if (i < chunkLength12) {
            mem[chunkAt12 + i] = in12[i];
        }
        if (i < chunkLength13) {
            mem[chunkAt13 + i] = in13[i];
        }
        if (i < chunkLength14) {
            mem[chunkAt14 + i] = in14[i];
        }
        if (i < chunkLength15) {
            mem[chunkAt15 + i] = in15[i];
        }
        if (i < chunkLength16) {
            mem[chunkAt16 + i] = in16[i];
        }
    }

    private void copyOut() {
        int i = getGlobalId();
        if (i < chunkLength0) {
            out0[i] = mem[chunkAt0 + i];
        }
        if (i < chunkLength1) {
            out1[i] = mem[chunkAt1 + i];
        }
        if (i < chunkLength2) {
            out2[i] = mem[chunkAt2 + i];
        }
        if (i < chunkLength3) {
            out3[i] = mem[chunkAt3 + i];
        }
        if (i < chunkLength4) {
            out4[i] = mem[chunkAt4 + i];
        }
        if (i < chunkLength5) {
            out5[i] = mem[chunkAt5 + i];
        }
        if (i < chunkLength6) {
            out6[i] = mem[chunkAt6 + i];
        }
        if (i < chunkLength7) {
            out7[i] = mem[chunkAt7 + i];
        }
        if (i < chunkLength8) {
            out8[i] = mem[chunkAt8 + i];
        }
        if (i < chunkLength9) {
            out9[i] = mem[chunkAt9 + i];
        }
        if (i < chunkLength10) {
            out10[i] = mem[chunkAt10 + i];
        }
        if (i < chunkLength11) {
            out11[i] = mem[chunkAt11 + i];
        }
        if (i < chunkLength12) {
            out12[i] = mem[chunkAt12 + i];
        }
        if (i < chunkLength13) {
            out13[i] = mem[chunkAt13 + i];
        }
        if (i < chunkLength14) {
            out14[i] = mem[chunkAt14 + i];
        }
        if (i < chunkLength15) {
            out15[i] = mem[chunkAt15 + i];
        }
        if (i < chunkLength16) {
            out16[i] = mem[chunkAt16 + i];
        }
    }

    /**
     * PoCL's tanh returns 0.99999994 at infinity. Beyond |x| = 9.1 the float tanh is exactly 1, so the
     * saturated value is returned directly; NaN fails both comparisons and goes through tanh.
     */
    private float saturatingTanh(float x) {
        float y = 0f;
        if (x >= 9.1f) {
            y = 1f;
        } else if (x <= -9.1f) {
            y = -1f;
        } else {
            y = tanh(x);
        }
        return y;
    }

    private void adam(int i) {
        float g = mem[offB + i];
        float mi = beta1 * mem[offC + i] + (1f - beta1) * g;
        float vi = beta2 * mem[offD + i] + (1f - beta2) * g * g;
        mem[offC + i] = mi;
        mem[offD + i] = vi;
        mem[offA + i] = mem[offA + i] - alpha * (mi * correction1) / (sqrt(vi * correction2) + epsilon);
    }

    /**
     * A 64x64 tile of C per 16x16 work-group, 4x4 elements per work-item held in registers. The group walks
     * K in steps of 16, staging a 64x16 slice of op(A) and a 16x64 slice of op(B) in local memory: each
     * global element is read once per group, and each local one feeds four multiply-adds. A work-item's
     * rows and columns are 16 apart, so neighbouring work-items touch neighbouring addresses. Slices past
     * the matrix edge are zeros, so any M, N, K works with a range padded to whole tiles.
     */
    private void gemm() {
        int tx = getLocalId(0);
        int ty = getLocalId(1);
        int flat = ty * TILE + tx;
        int rowBase = getGroupId(1) * BLOCK;
        int colBase = getGroupId(0) * BLOCK;
        float c00 = 0f; float c01 = 0f; float c02 = 0f; float c03 = 0f;
        float c10 = 0f; float c11 = 0f; float c12 = 0f; float c13 = 0f;
        float c20 = 0f; float c21 = 0f; float c22 = 0f; float c23 = 0f;
        float c30 = 0f; float c31 = 0f; float c32 = 0f; float c33 = 0f;
        for (int t = 0; t < k; t += TILE) {
            for (int e = 0; e < 4; e++) {
                int index = flat + e * TILE * TILE;
                int ar = rowBase + index / TILE;
                int ap = t + index % TILE;
                float av = 0f;
                if (ar < m && ap < k) {
                    if (transA != 0) {
                        av = mem[offA + ap * lda + ar];
                    } else {
                        av = mem[offA + ar * lda + ap];
                    }
                }
                tileA[index] = av;
                int bp = t + index / BLOCK;
                int bc = colBase + index % BLOCK;
                float bv = 0f;
                if (bp < k && bc < cols) {
                    if (transB != 0) {
                        bv = mem[offB + bc * ldb + bp];
                    } else {
                        bv = mem[offB + bp * ldb + bc];
                    }
                }
                tileB[index] = bv;
            }
            localBarrier();
            for (int q = 0; q < TILE; q++) {
                float a0 = tileA[(ty + 0) * TILE + q];
                float a1 = tileA[(ty + 16) * TILE + q];
                float a2 = tileA[(ty + 32) * TILE + q];
                float a3 = tileA[(ty + 48) * TILE + q];
                float b0 = tileB[q * BLOCK + tx + 0];
                float b1 = tileB[q * BLOCK + tx + 16];
                float b2 = tileB[q * BLOCK + tx + 32];
                float b3 = tileB[q * BLOCK + tx + 48];
                c00 += a0 * b0;
                c01 += a0 * b1;
                c02 += a0 * b2;
                c03 += a0 * b3;
                c10 += a1 * b0;
                c11 += a1 * b1;
                c12 += a1 * b2;
                c13 += a1 * b3;
                c20 += a2 * b0;
                c21 += a2 * b1;
                c22 += a2 * b2;
                c23 += a2 * b3;
                c30 += a3 * b0;
                c31 += a3 * b1;
                c32 += a3 * b2;
                c33 += a3 * b3;
            }
            localBarrier();
        }
        store(rowBase + ty + 0, colBase + tx + 0, c00);
        store(rowBase + ty + 0, colBase + tx + 16, c01);
        store(rowBase + ty + 0, colBase + tx + 32, c02);
        store(rowBase + ty + 0, colBase + tx + 48, c03);
        store(rowBase + ty + 16, colBase + tx + 0, c10);
        store(rowBase + ty + 16, colBase + tx + 16, c11);
        store(rowBase + ty + 16, colBase + tx + 32, c12);
        store(rowBase + ty + 16, colBase + tx + 48, c13);
        store(rowBase + ty + 32, colBase + tx + 0, c20);
        store(rowBase + ty + 32, colBase + tx + 16, c21);
        store(rowBase + ty + 32, colBase + tx + 32, c22);
        store(rowBase + ty + 32, colBase + tx + 48, c23);
        store(rowBase + ty + 48, colBase + tx + 0, c30);
        store(rowBase + ty + 48, colBase + tx + 16, c31);
        store(rowBase + ty + 48, colBase + tx + 32, c32);
        store(rowBase + ty + 48, colBase + tx + 48, c33);
    }

    private void store(int row, int col, float acc) {
        if (row < m && col < cols) {
            int at = offC + row * cols + col;
            if (beta == 0f) {
                mem[at] = alpha * acc;
            } else {
                mem[at] = alpha * acc + beta * mem[at];
            }
        }
    }

    /** Subtracting the row maximum keeps every exponent at or below zero, so nothing overflows. */
    private void softmaxRow() {
        int r = getGlobalId();
        if (r < n) {
            int src = offA + r * cols;
            int dst = offC + r * cols;
            float rowMax = mem[src];
            for (int j = 1; j < cols; j++) {
                rowMax = max(rowMax, mem[src + j]);
            }
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                sum += exp(mem[src + j] - rowMax);
            }
            float inv = 1f / sum;
            for (int j = 0; j < cols; j++) {
                mem[dst + j] = exp(mem[src + j] - rowMax) * inv;
            }
        }
    }

    /** {@code out_j = y_j (grad_j - sum_k grad_k y_k)}; the dot product is taken before any write, so out may alias. */
    private void softmaxGradientRow() {
        int r = getGlobalId();
        if (r < n) {
            int y = offA + r * cols;
            int g = offB + r * cols;
            int o = offC + r * cols;
            float dot = 0f;
            for (int j = 0; j < cols; j++) {
                dot += mem[g + j] * mem[y + j];
            }
            for (int j = 0; j < cols; j++) {
                mem[o + j] = mem[y + j] * (mem[g + j] - dot);
            }
        }
    }

    private void columnSum() {
        int j = getGlobalId();
        if (j < cols) {
            float sum = 0f;
            for (int i = 0; i < n; i++) {
                sum += mem[offA + i * cols + j];
            }
            mem[offC + j] = sum;
        }
    }

    private void squaredErrorPartial() {
        int w = getGlobalId();
        float sum = 0f;
        for (int i = w; i < n; i += PARTIALS) {
            float d = mem[offB + i] - mem[offA + i];
            sum += d * d;
        }
        partials[w] = sum;
    }

    /**
     * Terms whose probability is clamped are not taken through a float log: their targets are summed
     * apart ({@code partials[PARTIALS + w]}) and the host multiplies that sum by ln(1e-30) in double, so a
     * confident wrong answer costs exactly what the float64 reference says.
     */
    private void crossEntropyPartial() {
        int w = getGlobalId();
        float sum = 0f;
        float clampedTargets = 0f;
        for (int i = w; i < n; i += PARTIALS) {
            float y = mem[offB + i];
            if (y != 0f) {
                float p = mem[offA + i];
                if (p < 1e-30f) {
                    clampedTargets += y;
                } else {
                    sum -= y * log(p);
                }
            }
        }
        partials[w] = sum;
        partials[PARTIALS + w] = clampedTargets;
    }
}
