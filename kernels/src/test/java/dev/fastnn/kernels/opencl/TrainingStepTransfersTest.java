package dev.fastnn.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.kernels.TestBackends;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A training step as the network module issues it (forward, loss, backward, update), run through the
 * Backend API on aparapi: after the first step, a step moves exactly its batch in and the loss partial
 * sums out, never a weight. The same steps on the naive backend give the reference weights.
 */
class TrainingStepTransfersTest {

    /** A two-layer perceptron whose parameters live on one backend; the batch and targets come from the host. */
    private static final class TwoLayerStep implements AutoCloseable {
        final Backend backend;
        final Activation outputActivation;
        final Matrix w1;
        final Matrix b1;
        final Matrix w2;
        final Matrix b2;
        final Matrix x;
        final Matrix y;
        final Matrix hidden;
        final Matrix output;
        final Matrix delta2;
        final Matrix delta1;
        final Matrix gw1;
        final Matrix gb1;
        final Matrix gw2;
        final Matrix gb2;

        TwoLayerStep(Backend backend, int in, int hiddenUnits, int out, int batch, Activation outputActivation, long seed) {
            this.backend = backend;
            this.outputActivation = outputActivation;
            Random random = new Random(seed);
            w1 = backend.upload(uniform(random, in * hiddenUnits, 1f / (float) Math.sqrt(in)), in, hiddenUnits);
            b1 = backend.allocate(1, hiddenUnits);
            w2 = backend.upload(uniform(random, hiddenUnits * out, 1f / (float) Math.sqrt(hiddenUnits)), hiddenUnits, out);
            b2 = backend.allocate(1, out);
            x = backend.allocate(batch, in);
            y = backend.allocate(batch, out);
            hidden = backend.allocate(batch, hiddenUnits);
            output = backend.allocate(batch, out);
            delta2 = backend.allocate(batch, out);
            delta1 = backend.allocate(batch, hiddenUnits);
            gw1 = backend.allocate(in, hiddenUnits);
            gb1 = backend.allocate(1, hiddenUnits);
            gw2 = backend.allocate(hiddenUnits, out);
            gb2 = backend.allocate(1, out);
        }

        /** One full-batch gradient step; returns the loss before the update. */
        double step(float[] batchX, float[] batchY, float learningRate) {
            backend.write(x, batchX, 0);
            backend.write(y, batchY, 0);
            backend.gemm(false, false, 1f, x, w1, 0f, hidden);
            backend.addRowVector(hidden, b1);
            backend.sigmoid(hidden, hidden);
            backend.gemm(false, false, 1f, hidden, w2, 0f, output);
            backend.addRowVector(output, b2);
            backend.activation(outputActivation, output, output);
            double loss = outputActivation == Activation.SOFTMAX
                    ? backend.crossEntropy(output, y) : backend.sumSquaredError(output, y);
            // d loss / d pre-activation: softmax with cross-entropy gives (p - y); SSE gives 2 (out - y) f'(out).
            backend.subtract(output, y, delta2);
            if (outputActivation != Activation.SOFTMAX) {
                backend.scale(2f, delta2);
                backend.activationGradient(outputActivation, output, delta2, delta2);
            }
            backend.gemm(true, false, 1f, hidden, delta2, 0f, gw2);
            backend.columnSums(delta2, gb2);
            backend.gemm(false, true, 1f, delta2, w2, 0f, delta1);
            backend.activationGradient(Activation.SIGMOID, hidden, delta1, delta1);
            backend.gemm(true, false, 1f, x, delta1, 0f, gw1);
            backend.columnSums(delta1, gb1);
            backend.axpy(-learningRate, gw1, w1);
            backend.axpy(-learningRate, gb1, b1);
            backend.axpy(-learningRate, gw2, w2);
            backend.axpy(-learningRate, gb2, b2);
            return loss;
        }

        @Override
        public void close() {
            for (Matrix m : new Matrix[] {w1, b1, w2, b2, x, y, hidden, output, delta2, delta1, gw1, gb1, gw2, gb2}) {
                m.close();
            }
        }
    }

    private static float[] uniform(Random random, int size, float scale) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (random.nextFloat() * 2 - 1) * scale;
        }
        return values;
    }

    private static float[] oneHot(Random random, int batch, int classes) {
        float[] values = new float[batch * classes];
        for (int r = 0; r < batch; r++) {
            values[r * classes + random.nextInt(classes)] = 1f;
        }
        return values;
    }

    @ParameterizedTest(name = "{0}-{1}-{2} batch {3}, {4}")
    @CsvSource({"3, 4, 1, 4, SIGMOID", "784, 256, 10, 128, SOFTMAX"})
    void afterTheFirstStepAStepMovesOnlyTheBatchInAndTheLossOut(int in, int hiddenUnits, int out, int batch,
                                                              Activation outputActivation) {
        Backend aparapi = TestBackends.get("aparapi");
        Random data = new Random(7);
        float[][] xs = new float[3][];
        float[][] ys = new float[3][];
        for (int s = 0; s < 3; s++) {
            xs[s] = uniform(data, batch * in, 1f);
            ys[s] = oneHot(data, batch, out);
        }
        try (TwoLayerStep device = new TwoLayerStep(aparapi, in, hiddenUnits, out, batch, outputActivation, 42);
             TwoLayerStep reference = new TwoLayerStep(TestBackends.naive(), in, hiddenUnits, out, batch, outputActivation, 42)) {
            device.step(xs[0], ys[0], 0.1f);
            reference.step(xs[0], ys[0], 0.1f);
            // X and Y through the staging arrays (whole arrays move: at most 60 bytes of padding each), and
            // the loss as partial sums. A weight matrix would add at least its own size.
            long batchBytes = OpenClBackend.stagingBytes(batch * in) + OpenClBackend.stagingBytes(batch * out);
            assertTrue(batchBytes - (long) batch * (in + out) * Float.BYTES <= 2 * 60, "padding " + batchBytes);
            long lossBytes = 2L * DeviceKernel.PARTIALS * Float.BYTES;
            for (int s = 1; s < 3; s++) {
                aparapi.transfers().reset();
                double loss = device.step(xs[s], ys[s], 0.1f);
                assertEquals(batchBytes, aparapi.transfers().bytesToBackend(), "step " + s + ": only X and Y go in");
                assertEquals(lossBytes, aparapi.transfers().bytesFromBackend(), "step " + s + ": only the loss comes out");
                double expected = reference.step(xs[s], ys[s], 0.1f);
                assertEquals(expected, loss, 1e-4 * Math.max(1, Math.abs(expected)), "loss of step " + s);
            }
            float tolerance = 1e-4f;
            assertArrayEquals(reference.backend.download(reference.w1), aparapi.download(device.w1), tolerance);
            assertArrayEquals(reference.backend.download(reference.w2), aparapi.download(device.w2), tolerance);
            assertArrayEquals(reference.backend.download(reference.b2), aparapi.download(device.b2), tolerance);
        }
    }
}
