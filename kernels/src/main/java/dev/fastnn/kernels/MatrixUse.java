package dev.fastnn.kernels;

/**
 * What a matrix is mostly for, said when it is {@link Backend#allocate(int, int, MatrixUse) allocated}: a
 * hint that lets a backend store it in the layout its most frequent operation reads, so that the operation
 * skips rearranging it on every call. The hint changes no result and no operation's contract: every
 * operation accepts every matrix, values are read and written row-major through {@link Backend#write} and
 * {@link Backend#read}, and a backend is free to ignore the hint (naive and OpenCL do).
 *
 * <p>A trainer owns both ends of its products: the loader writes every batch and the optimizer writes the
 * weights every step anyway, so either can write the layout the product reads, instead of the product
 * repacking its operands on every call. The vector backend does so where no padding is needed
 * (see {@code VectorBackend}).
 */
public enum MatrixUse {
    /** No particular use: row-major storage. */
    GENERAL,
    /** Mostly the left operand {@code A} of an untransposed gemm, such as a batch of inputs times the weights. */
    GEMM_LEFT,
    /**
     * Mostly the right operand {@code B} of an untransposed gemm and the output {@code C} of the gemms that
     * update it, such as a layer's weights (and the optimizer's buffers shaped like them).
     */
    GEMM_RIGHT
}
