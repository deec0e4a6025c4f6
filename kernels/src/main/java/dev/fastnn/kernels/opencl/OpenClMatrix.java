package dev.fastnn.kernels.opencl;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;

/** A matrix living in the OpenCL backend's arena at {@code [offset, offset + size())}. */
final class OpenClMatrix extends Matrix {
    final int offset;

    OpenClMatrix(Backend owner, int rows, int cols, int offset) {
        super(owner, rows, cols);
        this.offset = offset;
    }
}
