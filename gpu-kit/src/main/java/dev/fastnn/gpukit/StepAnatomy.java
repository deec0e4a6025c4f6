package dev.fastnn.gpukit;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.kernels.MatrixUse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a 784-256-10 training step's time goes, piece by piece, on one backend: the calls the trainer's SGD
 * step makes (the batch written, or gathered where the training set stays on the backend), each timed alone
 * at the step's batch (the median of repetitions, each ended by reading one value back,
 * as {@link Timing} does). Informative only: it says whether a device step is bound by launches, by the
 * batch's trip over the bus or by the products, which the epoch time alone cannot.
 */
final class StepAnatomy {
    /** Seconds each piece's repetitions may take, after its warm-up. */
    private static final double PIECE_SECONDS = 0.2;
    private static final int REPETITIONS = 5;
    /** Rows of the training set the gather draws from (prime, so the drawn rows scatter). */
    private static final int SET_ROWS = 8191;

    /** One timed piece: its name and seconds per call. */
    record Piece(String name, double seconds) {
    }

    private StepAnatomy() {
    }

    /** The pieces of a step at {@code batch} rows on {@code backend}, in the order a step runs them. */
    static List<Piece> measure(Backend backend, int batch) {
        int in = TrainingCheck.LAYERS[0];
        int hidden = TrainingCheck.LAYERS[1];
        int out = TrainingCheck.LAYERS[2];
        List<Piece> pieces = new ArrayList<>();
        float[] hostX = Inputs.uniform(batch * in, 1);
        float[] hostY = oneHot(batch, out);
        float[] one = new float[1];
        float[] rows = new float[batch];
        for (int r = 0; r < batch; r++) {
            rows[r] = (r * 7919L) % SET_ROWS;
        }
        try (Matrix setX = backend.upload(Inputs.uniform(SET_ROWS * in, 5), SET_ROWS, in);
             Matrix setY = backend.upload(oneHot(SET_ROWS, out), SET_ROWS, out);
             Matrix order = backend.upload(rows, 1, batch);
             Matrix probe = backend.allocate(1, 1);
             Matrix tiny = backend.allocate(1, 16);
             Matrix x = backend.allocate(batch, in, MatrixUse.GEMM_LEFT);
             Matrix y = backend.upload(hostY, batch, out);
             Matrix w1 = backend.upload(Inputs.uniform(in * hidden, 2), in, hidden, MatrixUse.GEMM_RIGHT);
             Matrix b1 = backend.upload(Inputs.uniform(hidden, 6), 1, hidden);
             Matrix w2 = backend.upload(Inputs.uniform(hidden * out, 3), hidden, out, MatrixUse.GEMM_RIGHT);
             Matrix b2 = backend.upload(Inputs.uniform(out, 7), 1, out);
             Matrix h = backend.allocate(batch, hidden);
             Matrix p = backend.allocate(batch, out);
             Matrix dY = backend.allocate(batch, out);
             Matrix dH = backend.allocate(batch, hidden);
             Matrix g1 = backend.allocate(1, hidden);
             Matrix g2 = backend.allocate(1, out)) {
            backend.write(x, hostX, 0);
            backend.gemmBiasActivation(false, false, x, w1, b1, Activation.SIGMOID, h);
            backend.gemmBiasActivation(false, false, h, w2, b2, Activation.SOFTMAX, p);
            backend.subtract(p, y, dY);
            float step = -0.5f / batch;
            Runnable finish = () -> backend.read(probe, one);
            pieces.add(time(backend, "one launch (fill 1 x 16)", () -> backend.fill(tiny, 1f), finish));
            pieces.add(time(backend, "the batch written (" + batch + " x " + in + " inputs, " + batch + " x " + out + " targets)",
                    () -> {
                        backend.write(x, hostX, 0);
                        backend.write(y, hostY, 0);
                    }, finish));
            pieces.add(time(backend, "the batch gathered from " + SET_ROWS + " rows kept there",
                    () -> {
                        backend.gatherRows(setX, order, 0, x);
                        backend.gatherRows(setY, order, 0, y);
                    }, finish));
            pieces.add(time(backend, "sigmoid(X.W1 + b1) (" + batch + "x" + hidden + "x" + in + ")",
                    () -> backend.gemmBiasActivation(false, false, x, w1, b1, Activation.SIGMOID, h), finish));
            pieces.add(time(backend, "softmax(H.W2 + b2) (" + batch + "x" + out + "x" + hidden + ")",
                    () -> backend.gemmBiasActivation(false, false, h, w2, b2, Activation.SOFTMAX, p), finish));
            pieces.add(time(backend, "the loss out and dY = P - Y (cross-entropy of " + batch + " x " + out + ")",
                    () -> backend.crossEntropyAndDelta(p, y, dY), () -> { }));
            pieces.add(time(backend, "dY.W2t * sigmoid'(H) (" + batch + "x" + hidden + "x" + out + ")",
                    () -> backend.gemmActivationGradient(false, true, 1f, dY, w2, Activation.SIGMOID, h, dH), finish));
            pieces.add(time(backend, "W2 step, Ht.dY (" + hidden + "x" + out + "x" + batch + ")",
                    () -> backend.gemm(true, false, step, h, dY, 1f, w2), finish));
            pieces.add(time(backend, "W1 step, Xt.dH (" + in + "x" + hidden + "x" + batch + ")",
                    () -> backend.gemm(true, false, step, x, dH, 1f, w1), finish));
            pieces.add(time(backend, "bias steps (addColumnSums, both layers)",
                    () -> {
                        backend.addColumnSums(step, dY, g2, b2);
                        backend.addColumnSums(step, dH, g1, b1);
                    }, finish));
        }
        return pieces;
    }

    /** Row r's target is class r mod {@code classes}. */
    private static float[] oneHot(int rows, int classes) {
        float[] targets = new float[rows * classes];
        for (int r = 0; r < rows; r++) {
            targets[r * classes + r % classes] = 1f;
        }
        return targets;
    }

    private static Piece time(Backend backend, String name, Runnable work, Runnable finish) {
        return new Piece(name, Timing.of(work, finish, REPETITIONS, PIECE_SECONDS).median());
    }

    /** The pieces as lines, device next to the vector backend, and as figures (microseconds). */
    static void report(Report.Section section, List<Piece> device, List<Piece> vector, double deviceStep, double vectorStep) {
        section.line(String.format("where a step goes, each piece timed alone (median, microseconds): the trainer's step "
                + "%.0f on the device, %.0f on vector", deviceStep * 1e6, vectorStep * 1e6));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < device.size(); i++) {
            Piece d = device.get(i);
            Piece v = vector.get(i);
            section.line(String.format("  %-60s device %9.1f   vector %9.1f", d.name(), d.seconds() * 1e6, v.seconds() * 1e6));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("piece", d.name());
            row.put("deviceMicroseconds", d.seconds() * 1e6);
            row.put("vectorMicroseconds", v.seconds() * 1e6);
            rows.add(row);
        }
        section.figure("stepAnatomy", rows);
    }
}
