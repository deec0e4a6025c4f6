package dev.fastnn.benchmarks;

import org.openjdk.jmh.annotations.Param;

/**
 * How fast is fastnn's square single-precision gemm ({@code n x n} times {@code n x n}) on each backend,
 * next to native OpenBLAS and netlib's Java BLAS on the same machine, with one and with two threads?
 *
 * <p>Parameters and setup are {@link GemmProductBenchmark}'s, JMH settings {@link FastnnBenchmark}'s. Naive beyond {@code n=512} takes seconds per
 * product and says nothing new; {@link Suite} leaves it out ({@code ./fastnn bench gemm}), and includes aparapi
 * only when OpenCL is usable.
 */
public class GemmBenchmark extends GemmProductBenchmark {

    @Param({"64", "128", "256", "512", "1024", "2048"})
    public int n;

    @Override
    GemmShape shape() {
        return GemmShape.square(n);
    }
}
