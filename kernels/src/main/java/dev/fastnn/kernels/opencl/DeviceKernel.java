package dev.fastnn.kernels.opencl;

import com.aparapi.Kernel;

/**
 * Every OpenCL operation of {@link OpenClBackend} in one Aparapi kernel, chosen by the {@link #op} field.
 *
 * <p>Why one class and not one kernel per operation: Aparapi keeps an OpenCL buffer per kernel instance
 * and per array field, and recreates it from the Java array whenever the field points to another array
 * (see {@link OpenClBackend}). Matrices therefore live as slices of one arena array, {@link #mem}, that
 * only this kernel instance ever binds, so data written by a gemm is where the following sigmoid reads it.
 * {@link #in} and {@link #out} are the only arrays that cross the bus: the batch going in, results and
 * loss partial sums coming out.
 *
 * <p>Aparapi translates {@link #run()} to OpenCL C from bytecode, which limits what it may contain: no
 * {@code switch}, no calls to other classes, no exceptions, no objects; {@code exp}, {@code tanh},
 * {@code log}, {@code sqrt} are Kernel's float versions so that the device needs no fp64. Ops are
 * uniform across a launch, so the barriers inside the gemm branch are reached by every work-item.
 */
public final class DeviceKernel extends Kernel {
    static final int TILE = 16;
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
    /** Host-to-device staging for {@link #OP_COPY_IN}. */
    float[] in = new float[1];
    /** Device-to-host staging for {@link #OP_COPY_OUT} and reduction partials. */
    float[] out = new float[1];

    @Local
    final float[] tileA = new float[TILE * TILE];
    @Local
    final float[] tileB = new float[TILE * TILE];

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
        if (op == OP_GEMM) {
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
            if (op == OP_COPY_IN) {
                mem[offC + i] = in[i];
            } else if (op == OP_COPY_OUT) {
                out[i] = mem[offA + i];
            } else if (op == OP_SIGMOID) {
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
     * One C element per work-item, 16x16 work-groups. Each group walks K in 16-wide steps, staging a tile
     * of op(A) and of op(B) in local memory so that each global element is read once per group, not 16
     * times. Tiles past the matrix edge are filled with zeros, so any M, N, K works with a padded range.
     */
    private void gemm() {
        int col = getGlobalId(0);
        int row = getGlobalId(1);
        int lc = getLocalId(0);
        int lr = getLocalId(1);
        float acc = 0f;
        for (int t = 0; t < k; t += TILE) {
            int pa = t + lc;
            float av = 0f;
            if (row < m && pa < k) {
                if (transA != 0) {
                    av = mem[offA + pa * lda + row];
                } else {
                    av = mem[offA + row * lda + pa];
                }
            }
            tileA[lr * TILE + lc] = av;
            int pb = t + lr;
            float bv = 0f;
            if (pb < k && col < cols) {
                if (transB != 0) {
                    bv = mem[offB + col * ldb + pb];
                } else {
                    bv = mem[offB + pb * ldb + col];
                }
            }
            tileB[lr * TILE + lc] = bv;
            localBarrier();
            for (int q = 0; q < TILE; q++) {
                acc += tileA[lr * TILE + q] * tileB[q * TILE + lc];
            }
            localBarrier();
        }
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
        out[w] = sum;
    }

    /**
     * Terms whose probability is clamped are not taken through a float log: their targets are summed
     * apart ({@code out[PARTIALS + w]}) and the host multiplies that sum by ln(1e-30) in double, so a
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
        out[w] = sum;
        out[PARTIALS + w] = clampedTargets;
    }
}
