package dev.fastnn.benchmarks;

import org.openjdk.jmh.annotations.Param;

/**
 * How fast is each backend, next to OpenBLAS and netlib, on the products a real training step runs:
 * the five gemm shapes of a 784-256-10 MLP step at batch 128 ({@link GemmShape#MLP_STEP}), which are
 * small, thin (k or n = 10) and transposed, unlike the square sizes of {@link GemmBenchmark}?
 *
 * <p>Parameters and setup are {@link GemmProductBenchmark}'s: threads=2 only for vector and openblas. A fastnn
 * backend gets its operands allocated as its trainer allocates them ({@link GemmShape#uses}): the vector
 * backend then reads the batch and the weights in its micro-kernel's layouts without packing them, which is
 * how it runs a training step; a BLAS library, given plain arrays, packs on every call.
 */
public class MlpGemmBenchmark extends GemmProductBenchmark {

    @Param({"X.W1", "H.W2", "Ht.dY", "dY.W2t", "Xt.dH"})
    public String shape;

    @Override
    GemmShape shape() {
        return GemmShape.mlpStep(shape);
    }
}
