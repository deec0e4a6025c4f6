package dev.fastnn.network.model;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.kernels.MatrixUse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A stack of {@link DenseLayer}s and the {@link Loss} it is trained with, held in one backend's storage.
 * Training lives in {@code dev.fastnn.network.train}; this class knows the forward pass and how to move
 * parameters to and from the host as {@link ModelParameters}.
 *
 * <p>Not thread-safe for concurrent training; {@link #predict} only reads the weights and allocates its own
 * buffers, so several threads may predict at once while nobody trains.
 */
public final class Network implements AutoCloseable {
    /** Metadata key under which {@link #parameters} records the loss. */
    public static final String LOSS_KEY = "loss";
    private static final int PREDICT_CHUNK = 1024;

    private final Backend backend;
    private final List<DenseLayer> layers;
    private final Loss loss;

    private Network(Backend backend, List<DenseLayer> layers, Loss loss) {
        this.backend = backend;
        this.layers = List.copyOf(layers);
        this.loss = loss;
        loss.checkOutputActivation(outputLayer().activation());
    }

    /** A new network with weights drawn by {@code initializer} from {@code random} (layer by layer, row-major). */
    public static Network initialize(Backend backend, List<LayerSpec> specs, Loss loss, Initializer initializer,
                                     SplittableRandom random) {
        Objects.requireNonNull(backend, "backend");
        return fromParameters(backend, new ModelParameters(initializer.layers(specs, random), Map.of(LOSS_KEY, loss.id())));
    }

    /**
     * The network these parameters describe, uploaded to {@code backend}. The loss comes from the metadata
     * key {@value #LOSS_KEY}; without it, cross-entropy for a softmax output and mean squared error otherwise.
     */
    public static Network fromParameters(Backend backend, ModelParameters parameters) {
        List<DenseLayer> layers = new ArrayList<>();
        for (LayerParameters p : parameters.layers()) {
            layers.add(new DenseLayer(backend, p));
        }
        String lossName = parameters.metadata().get(LOSS_KEY);
        Activation output = parameters.layers().get(parameters.layers().size() - 1).activation();
        Loss loss = lossName != null ? Loss.parse(lossName)
                : output == Activation.SOFTMAX ? Loss.SOFTMAX_CROSS_ENTROPY : Loss.MEAN_SQUARED_ERROR;
        return new Network(backend, layers, loss);
    }

    /** Host copies of the weights and biases, with {@code metadata} plus the loss. */
    public ModelParameters parameters(Map<String, String> metadata) {
        List<LayerParameters> out = new ArrayList<>();
        for (DenseLayer layer : layers) {
            out.add(layer.parameters());
        }
        Map<String, String> meta = new HashMap<>(metadata);
        meta.put(LOSS_KEY, loss.id());
        return new ModelParameters(out, meta);
    }

    public Backend backend() {
        return backend;
    }

    public List<DenseLayer> layers() {
        return layers;
    }

    public DenseLayer outputLayer() {
        return layers.get(layers.size() - 1);
    }

    public Loss loss() {
        return loss;
    }

    public int inputs() {
        return layers.get(0).inputs();
    }

    public int outputs() {
        return outputLayer().outputs();
    }

    /**
     * Runs the batch {@code x} forward, writing layer {@code l}'s output into {@code outputs[l]} (each
     * {@code x.rows() x layer outputs}); returns the last.
     */
    public Matrix forward(Matrix x, Matrix[] outputs) {
        Matrix in = x;
        for (int l = 0; l < layers.size(); l++) {
            layers.get(l).forward(in, outputs[l]);
            in = outputs[l];
        }
        return in;
    }

    /** Buffers for {@link #forward} on batches of {@code rows}; the caller closes them. */
    public Matrix[] allocateOutputs(int rows) {
        Matrix[] outputs = new Matrix[layers.size()];
        for (int l = 0; l < outputs.length; l++) {
            outputs[l] = backend.allocate(rows, layers.get(l).outputs());
        }
        return outputs;
    }

    /** The network's outputs for {@code rows} samples of {@link #inputs()} values each (row-major), on the host. */
    public float[] predict(float[] inputs, int rows) {
        if (inputs.length != (long) rows * inputs()) {
            throw new IllegalArgumentException("predict: " + inputs.length + " values are not " + rows + " rows of "
                    + inputs() + " inputs");
        }
        float[] result = new float[rows * outputs()];
        try (Forward forward = new Forward(this, Math.min(rows, PREDICT_CHUNK))) {
            for (int start = 0; start < rows; start += PREDICT_CHUNK) {
                int n = Math.min(PREDICT_CHUNK, rows - start);
                System.arraycopy(forward.run(inputs, start, n), 0, result, start * outputs(), n * outputs());
            }
        }
        return result;
    }

    @Override
    public void close() {
        layers.forEach(DenseLayer::close);
    }

    /**
     * Reusable buffers for forward passes over chunks of at most {@code capacity} rows: one set for full
     * chunks and one for the final short chunk, each allocated once.
     */
    public static final class Forward implements AutoCloseable {
        private final Network network;
        private final int capacity;
        private final float[] host;
        private Matrix fullX;
        private Matrix[] fullOut;
        private Matrix tailX;
        private Matrix[] tailOut;

        public Forward(Network network, int capacity) {
            this.network = network;
            this.capacity = capacity;
            this.host = new float[capacity * network.outputs()];
        }

        /**
         * The outputs for {@code rows} samples starting at sample {@code start} of {@code inputs}: the first
         * {@code rows * outputs} values of the returned array, which is reused by the next call.
         */
        public float[] run(float[] inputs, int start, int rows) {
            if (rows > capacity) {
                throw new IllegalArgumentException("forward chunk of " + rows + " rows exceeds capacity " + capacity);
            }
            Matrix x;
            Matrix[] outputs;
            if (rows == capacity) {
                if (fullX == null) {
                    fullX = network.backend.allocate(rows, network.inputs(), MatrixUse.GEMM_LEFT);
                    fullOut = network.allocateOutputs(rows);
                }
                x = fullX;
                outputs = fullOut;
            } else {
                if (tailX == null || tailX.rows() != rows) {
                    closeTail();
                    tailX = network.backend.allocate(rows, network.inputs(), MatrixUse.GEMM_LEFT);
                    tailOut = network.allocateOutputs(rows);
                }
                x = tailX;
                outputs = tailOut;
            }
            network.backend.write(x, inputs, start * network.inputs());
            network.backend.read(network.forward(x, outputs), host);
            return host;
        }

        private void closeTail() {
            if (tailX != null) {
                tailX.close();
                for (Matrix m : tailOut) {
                    m.close();
                }
                tailX = null;
            }
        }

        @Override
        public void close() {
            if (fullX != null) {
                fullX.close();
                for (Matrix m : fullOut) {
                    m.close();
                }
                fullX = null;
            }
            closeTail();
        }
    }
}
