package dev.fastnn.gpukit;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.ErrorBounds;
import dev.fastnn.kernels.TransferCounter;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.train.EpochMetrics;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Samples;
import dev.fastnn.network.train.Trainer;
import dev.fastnn.network.train.TrainingListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The 784-256-10 MLP of the benchmarks (sigmoid hidden layer, softmax and cross-entropy, plain steps at
 * learning rate 0.5, shuffled batches) trained on generated data on the device and on the vector backend
 * with the same seed, so both see the same initial weights and the same batches. Each fit is scored on
 * held-out data after every epoch, as the README's embedding example trains (without held-out data the
 * trainer counts the training accuracy on the device instead, and reads it back once an epoch):
 * <ul>
 * <li>the two must agree: every epoch's loss within {@value #LOSS_RELATIVE} relative plus
 *     {@link #LOSS_ABSOLUTE}, and the trained weights and biases of each layer within
 *     {@value #PARAMETERS_RELATIVE} relative (2-norm of the difference over the 2-norm of the vector
 *     backend's). Two float32 trainings drift apart by rounding, batch after batch; the relative bounds are
 *     about 100 times the drift seen between PoCL, the naive and the vector backends (at most 1e-6 for the
 *     parameters and 2e-8 for the loss, also over six epochs of 60000 samples at batch 128), while a wrong
 *     kernel or a lost transfer is off by far more within one epoch. The absolute part is the loss's float32
 *     resolution: near convergence most targets get p close to 1, where {@code -ln p} is about {@code 1 - p}
 *     and p's float spacing is u, so two backends whose p differ by a rounding in every sample (a systematic
 *     difference of their exp, say) give mean losses up to u apart whatever the loss's size. An H200 showed
 *     why it is needed: there the parameters drifted 5.7e-5 apart over 2345 steps at batch 128 (inside their
 *     bound, though 50 times PoCL's drift), and the fifth epoch's loss, 4.9e-4, differed by 1.2e-8 (0.19 u),
 *     which is 2.4e-5 of so small a loss;</li>
 * <li>on the device every step moves nothing in where the trainer keeps the training set there
 *     ({@link Trainer#keepsTrainingSetOnBackend}; each epoch's order goes in before its first step), else
 *     only its batch (inputs and one-hot targets), plus at most {@value #STAGING_SLACK} bytes that whole
 *     staging arrays add; and its loss out (at most {@value #LOSS_OUT_LIMIT} bytes, the same for every step):
 *     the weights (at least 10 KiB per matrix) stay on the device;</li>
 * <li>the epoch time, timed by the trainer (each step reads its loss back, so the device's work is done
 *     when the clock stops): the median of the epochs of a second fit, after a one-epoch warm-up fit, and
 *     next to it the pieces of a step timed alone ({@link StepAnatomy}), to show what bounds it.</li>
 * </ul>
 */
final class TrainingCheck {
    static final int[] LAYERS = {784, 256, 10};
    static final double LOSS_RELATIVE = 1e-5;
    /** One float rounding of a probability near 1 for each backend: see the class comment. */
    static final double LOSS_ABSOLUTE = Agreement.BOTH_BACKENDS * ErrorBounds.UNIT_ROUNDOFF;
    static final double PARAMETERS_RELATIVE = 1e-4;
    static final long STAGING_SLACK = 128;
    static final long LOSS_OUT_LIMIT = 4096;
    private static final long SEED = 20240611L;

    private final Backend device;
    private final Backend reference;
    /** Null while every kernel ran on the device, else why not: {@link DeviceUsage#offDevice} in the check. */
    private final Supplier<String> offDevice;

    TrainingCheck(Backend device, Backend reference, Supplier<String> offDevice) {
        this.device = device;
        this.reference = reference;
        this.offDevice = offDevice;
    }

    /** What one fit left behind: the epochs, the trained parameters, and per step its rows and transfers. */
    private record Fit(List<EpochMetrics> epochs, ModelParameters parameters, int[] stepRows, long[] stepIn, long[] stepOut) {
    }

    /** Training data and held-out data (a sixth as many rows) from one distribution. */
    record Data(Samples train, Samples test) {
    }

    /** {@code rows} training samples and {@code rows / 6} held-out ones, drawn together. */
    static Data generate(int rows, long seed) {
        int heldOut = Math.max(1, rows / 6);
        Samples all = draw(rows + heldOut, seed);
        int features = all.features();
        float[] x = Arrays.copyOfRange(all.inputs(), rows * features, (rows + heldOut) * features);
        int[] labels = Arrays.copyOfRange(all.labels(), rows, rows + heldOut);
        return new Data(all.limit(rows), Samples.classification(x, heldOut, features, labels, all.outputs()));
    }

    /** 784 "pixels" in [0, 1]: one of ten random prototypes, blurred by noise. */
    private static Samples draw(int rows, long seed) {
        int features = LAYERS[0];
        int classes = LAYERS[LAYERS.length - 1];
        SplittableRandom random = new SplittableRandom(seed);
        float[][] prototypes = new float[classes][features];
        for (float[] p : prototypes) {
            for (int j = 0; j < features; j++) {
                p[j] = random.nextDouble() < 0.3 ? (float) random.nextDouble() : 0f;
            }
        }
        float[] x = new float[rows * features];
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            int label = random.nextInt(classes);
            labels[r] = label;
            for (int j = 0; j < features; j++) {
                double v = prototypes[label][j] + 0.35 * random.nextGaussian();
                x[r * features + j] = (float) Math.min(1, Math.max(0, v));
            }
        }
        return Samples.classification(x, rows, features, labels, classes);
    }

    void run(Report.Section section, Data all, int batch, Sizes sizes, Deadline deadline) {
        Samples data = all.train();
        section.line(String.format("784-256-10, sigmoid hidden, softmax + cross-entropy, SGD lr 0.5, shuffled, seed %d; "
                + "%d generated samples, batch %d (%d steps per epoch); %d held-out samples scored after each epoch",
                SEED, data.rows(), batch, steps(data, batch), all.test().rows()));
        Fit deviceWarmUp = fit(device, all, batch, 1);
        Fit cpuWarmUp = fit(reference, all, batch, 1);
        double epochSeconds = Math.max(deviceWarmUp.epochs().get(0).seconds(), cpuWarmUp.epochs().get(0).seconds());
        int epochs = (int) Math.max(1, Math.min(sizes.timedEpochs(), Math.floor(deadline.remainingSeconds() / 4 / (2 * epochSeconds))));
        if (epochs < sizes.timedEpochs()) {
            section.line("timed epochs cut from " + sizes.timedEpochs() + " to " + epochs + " to stay inside the deadline");
        }
        Fit onDevice = fit(device, all, batch, epochs);
        Fit onCpu = fit(reference, all, batch, epochs);

        String stray = offDevice.get();
        if (stray != null) {
            section.fail(stray);
        } else {
            section.line("every training kernel ran on the device");
        }
        compare(section, "after the 1-epoch warm-up fit", deviceWarmUp, cpuWarmUp);
        compare(section, "after the " + epochs + "-epoch timed fit", onDevice, onCpu);
        transfers(section, onDevice, data, batch, Trainer.builder().layers(LAYERS).backend(device).build()
                .keepsTrainingSetOnBackend(data));

        Timing deviceTime = epochTiming(onDevice);
        Timing cpuTime = epochTiming(onCpu);
        double speedup = cpuTime.median() / deviceTime.median();
        section.line(String.format("epoch time, the median of the %d epochs of a second fit after a 1-epoch warm-up fit, by the "
                + "trainer's clock (every step reads its loss back, so the device is done when it stops): device %.3f s, "
                + "vector %.3f s (%s): device %.2fx vector", epochs, deviceTime.median(), cpuTime.median(),
                reference.description(), speedup));
        section.figure("batch", batch);
        section.figure("samples", data.rows());
        section.figure("deviceEpoch", deviceTime.figures());
        section.figure("vectorEpoch", cpuTime.figures());
        section.figure("deviceOverVector", speedup);
        int steps = steps(data, batch);
        StepAnatomy.report(section, StepAnatomy.measure(device, batch), StepAnatomy.measure(reference, batch),
                deviceTime.median() / steps, cpuTime.median() / steps);
        double deviceAccuracy = onDevice.epochs().get(epochs - 1).testAccuracy();
        double cpuAccuracy = onCpu.epochs().get(epochs - 1).testAccuracy();
        section.line(String.format("held-out accuracy after the timed fit: device %.4f, vector %.4f", deviceAccuracy, cpuAccuracy));
        section.figure("deviceTestAccuracy", deviceAccuracy);
        section.figure("vectorTestAccuracy", cpuAccuracy);
        section.figure("deviceLosses", losses(onDevice));
        section.figure("vectorLosses", losses(onCpu));
    }

    private static int steps(Samples data, int batch) {
        return (data.rows() + batch - 1) / batch;
    }

    private static Fit fit(Backend backend, Data all, int batch, int epochs) {
        Samples data = all.train();
        int steps = epochs * steps(data, batch);
        int[] rows = new int[steps];
        long[] in = new long[steps];
        long[] out = new long[steps];
        TransferCounter counter = backend.transfers();
        TrainingListener listener = new TrainingListener() {
            private int step;
            private long lastSamples;
            private long lastIn;
            private long lastOut;

            @Override
            public void epochStarted(int epoch, int batches) {
                lastSamples = 0;
                lastIn = counter.bytesToBackend();
                lastOut = counter.bytesFromBackend();
            }

            @Override
            public void batchFinished(int epoch, int batchNumber, int batches, long samples, double batchLoss) {
                long nowIn = counter.bytesToBackend();
                long nowOut = counter.bytesFromBackend();
                rows[step] = (int) (samples - lastSamples);
                in[step] = nowIn - lastIn;
                out[step] = nowOut - lastOut;
                step++;
                lastSamples = samples;
                lastIn = nowIn;
                lastOut = nowOut;
            }
        };
        Trainer trainer = Trainer.builder().layers(LAYERS).batchSize(batch).epochs(epochs).seed(SEED)
                .backend(backend).build();
        try (Model model = trainer.fit(data, all.test(), listener)) {
            return new Fit(model.history(), model.parameters(), rows, in, out);
        }
    }

    /** Whether an epoch's loss on the device agrees with the vector backend's; never for NaN. */
    static boolean lossesAgree(double device, double reference) {
        return Math.abs(device - reference) <= lossAllowance(reference);
    }

    private static double lossAllowance(double reference) {
        return LOSS_RELATIVE * Math.abs(reference) + LOSS_ABSOLUTE;
    }

    private static void compare(Report.Section section, String when, Fit device, Fit cpu) {
        double worstRatio = 0;
        double worstDifference = 0;
        double worstLoss = 0;
        boolean lossesAgree = true;
        for (int e = 0; e < device.epochs().size(); e++) {
            double d = device.epochs().get(e).loss();
            double c = cpu.epochs().get(e).loss();
            lossesAgree &= lossesAgree(d, c);
            double ratio = Math.abs(d - c) / lossAllowance(c);
            if (Double.isNaN(ratio) || ratio >= worstRatio) {
                worstRatio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
                worstDifference = Math.abs(d - c);
                worstLoss = c;
            }
        }
        double worstParameters = 0;
        List<LayerParameters> dl = device.parameters().layers();
        List<LayerParameters> cl = cpu.parameters().layers();
        for (int l = 0; l < dl.size(); l++) {
            worstParameters = Math.max(worstParameters, relativeDistance(dl.get(l).weights(), cl.get(l).weights()));
            worstParameters = Math.max(worstParameters, relativeDistance(dl.get(l).biases(), cl.get(l).biases()));
        }
        String line = String.format("%s: epoch losses within %.3f of the allowance (worst |device - vector| = %.2e at a "
                + "loss of %.2e; allowed %.0e relative + %.2e), weights and biases within %.2e relative (allowed %.0e)",
                when, worstRatio, worstDifference, worstLoss, LOSS_RELATIVE, LOSS_ABSOLUTE, worstParameters,
                PARAMETERS_RELATIVE);
        section.line(line);
        section.figure(when.startsWith("after the 1") ? "warmUpAgreement" : "timedAgreement",
                Map.of("lossOfAllowance", worstRatio, "lossDifference", worstDifference, "lossAt", worstLoss,
                        "parametersRelative", worstParameters));
        if (!(lossesAgree && worstParameters <= PARAMETERS_RELATIVE)) {
            section.fail("the device's training differs from the vector backend's " + line);
        }
    }

    private static double relativeDistance(float[] a, float[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            diff += d * d;
            norm += (double) b[i] * b[i];
        }
        double r = Math.sqrt(diff) / Math.sqrt(norm);
        return Double.isNaN(r) ? Double.POSITIVE_INFINITY : r;
    }

    /**
     * Where the trainer keeps the training set on the device ({@code resident}) a step moves nothing in (its
     * epoch's order went in before the epoch's first step); else exactly its batch, plus whole-array staging
     * padding. Out, the loss, the same every step.
     */
    private static void transfers(Report.Section section, Fit fit, Samples data, int batch, boolean resident) {
        long inMin = Long.MAX_VALUE;
        long inMax = 0;
        long outMin = Long.MAX_VALUE;
        long outMax = 0;
        String problem = null;
        int features = data.features() + data.outputs();
        for (int s = 0; s < fit.stepRows().length; s++) {
            long batchBytes = resident ? 0 : (long) Float.BYTES * fit.stepRows()[s] * features;
            long extra = fit.stepIn()[s] - batchBytes;
            inMin = Math.min(inMin, extra);
            inMax = Math.max(inMax, extra);
            outMin = Math.min(outMin, fit.stepOut()[s]);
            outMax = Math.max(outMax, fit.stepOut()[s]);
            if (problem == null && (extra < 0 || extra >= STAGING_SLACK || fit.stepOut()[s] > LOSS_OUT_LIMIT)) {
                problem = "step " + (s + 1) + " of " + fit.stepRows()[s] + " rows moved " + fit.stepIn()[s]
                        + " bytes in (" + (resident ? "nothing should: the training set is on the device"
                        : "its batch is " + batchBytes) + ") and " + fit.stepOut()[s] + " bytes out";
            }
        }
        String in = resident ? "in = nothing, the training set staying on the device (each epoch moves its order in, "
                + 4L * data.rows() + " bytes, before its first step; each batch is gathered there)"
                : String.format("in = the batch (%d bytes for %d rows of 784 inputs and 10 targets)", 4L * batch * features, batch);
        section.line(String.format("transfers per step on the device, %d steps: %s + %d..%d bytes of staging padding "
                + "(allowed < %d); out = %d..%d bytes, the loss (allowed <= %d, the same every step)", fit.stepRows().length,
                in, inMin, inMax, STAGING_SLACK, outMin, outMax, LOSS_OUT_LIMIT));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("steps", fit.stepRows().length);
        figures.put("trainingSetOnDevice", resident);
        figures.put("batchBytesIn", resident ? 0 : 4L * batch * features);
        figures.put("paddingBytesMin", inMin);
        figures.put("paddingBytesMax", inMax);
        figures.put("outBytesMin", outMin);
        figures.put("outBytesMax", outMax);
        section.figure("transfersPerStep", figures);
        if (problem != null) {
            section.fail("a training step moved more than " + (resident ? "nothing" : "its batch") + " in and its loss out: "
                    + problem);
        } else if (outMin != outMax) {
            section.fail("the loss of a step came back in " + outMin + " to " + outMax + " bytes: something else moved too");
        }
    }

    private static Timing epochTiming(Fit fit) {
        double[] seconds = new double[fit.epochs().size()];
        for (int e = 0; e < seconds.length; e++) {
            seconds[e] = fit.epochs().get(e).seconds();
        }
        return Timing.of(seconds, 1);
    }

    private static List<Double> losses(Fit fit) {
        List<Double> out = new ArrayList<>();
        fit.epochs().forEach(e -> out.add(e.loss()));
        return out;
    }
}
