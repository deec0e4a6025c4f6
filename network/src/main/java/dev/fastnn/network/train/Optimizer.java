package dev.fastnn.network.train;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.network.model.DenseLayer;

/**
 * How a layer's parameters move given its gradient. The weight gradient of a batch is
 * {@code scale * input^T delta}; each optimizer folds that product into its own update (plain steps and
 * momentum compute it straight into the weights or the velocity through gemm's alpha and beta), so no
 * optimizer makes an extra pass over the weights.
 */
public sealed interface Optimizer {

    /** State for one layer (velocities, moments, gradient buffers), allocated once per training run. */
    LayerUpdater updater(Backend backend, DenseLayer layer);

    /**
     * Updates one layer from the batch's {@code input} to it and its unscaled output delta; the gradient is
     * {@code scale input^T delta} and the learning rate is multiplied by {@code rate} (a schedule's factor).
     */
    interface LayerUpdater extends AutoCloseable {
        void update(DenseLayer layer, Matrix input, Matrix delta, float scale, float rate);

        @Override
        void close();
    }

    /** Plain gradient descent, {@code w -= learningRate * g}; the article's update with rate 1. */
    record Sgd(float learningRate) implements Optimizer {
        public Sgd {
            requirePositive("learning rate", learningRate);
        }

        /** {@code new Sgd(0.5)}: the rate rounded to float32, the precision of the weights it moves. */
        public Sgd(double learningRate) {
            this((float) learningRate);
        }

        @Override
        public LayerUpdater updater(Backend backend, DenseLayer layer) {
            Matrix biasGradient = layer.biases() == null ? null : backend.allocate(1, layer.outputs());
            return new LayerUpdater() {
                @Override
                public void update(DenseLayer l, Matrix input, Matrix delta, float scale, float rate) {
                    float step = -learningRate * rate * scale;
                    backend.gemm(true, false, step, input, delta, 1f, l.weights());
                    if (biasGradient != null) {
                        backend.columnSums(delta, biasGradient);
                        backend.axpy(step, biasGradient, l.biases());
                    }
                }

                @Override
                public void close() {
                    if (biasGradient != null) {
                        biasGradient.close();
                    }
                }
            };
        }

        @Override
        public String toString() {
            return "sgd(lr=" + learningRate + ")";
        }
    }

    /** Heavy-ball momentum: {@code v = momentum v + g; w -= learningRate v}. */
    record Momentum(float learningRate, float momentum) implements Optimizer {
        public Momentum {
            requirePositive("learning rate", learningRate);
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
        }

        /** {@code new Momentum(0.1, 0.9)}, rounded to float32. */
        public Momentum(double learningRate, double momentum) {
            this((float) learningRate, (float) momentum);
        }

        @Override
        public LayerUpdater updater(Backend backend, DenseLayer layer) {
            Matrix velocity = backend.allocate(layer.inputs(), layer.outputs());
            boolean biases = layer.biases() != null;
            Matrix biasGradient = biases ? backend.allocate(1, layer.outputs()) : null;
            Matrix biasVelocity = biases ? backend.allocate(1, layer.outputs()) : null;
            return new LayerUpdater() {
                @Override
                public void update(DenseLayer l, Matrix input, Matrix delta, float scale, float rate) {
                    backend.gemm(true, false, scale, input, delta, momentum, velocity);
                    backend.axpy(-learningRate * rate, velocity, l.weights());
                    if (biases) {
                        backend.columnSums(delta, biasGradient);
                        backend.scale(momentum, biasVelocity);
                        backend.axpy(scale, biasGradient, biasVelocity);
                        backend.axpy(-learningRate * rate, biasVelocity, l.biases());
                    }
                }

                @Override
                public void close() {
                    velocity.close();
                    if (biases) {
                        biasGradient.close();
                        biasVelocity.close();
                    }
                }
            };
        }

        @Override
        public String toString() {
            return "momentum(lr=" + learningRate + ", momentum=" + momentum + ")";
        }
    }

    /** Adam (Kingma and Ba) with bias correction, through {@link Backend#adamUpdate}. */
    record Adam(float learningRate, float beta1, float beta2, float epsilon) implements Optimizer {
        public Adam {
            requirePositive("learning rate", learningRate);
            requirePositive("epsilon", epsilon);
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
        }

        /** {@code new Adam(0.001, 0.9, 0.999, 1e-8)}, rounded to float32. */
        public Adam(double learningRate, double beta1, double beta2, double epsilon) {
            this((float) learningRate, (float) beta1, (float) beta2, (float) epsilon);
        }

        /** The paper's defaults: beta1 0.9, beta2 0.999, epsilon 1e-8. */
        public Adam(float learningRate) {
            this(learningRate, 0.9f, 0.999f, 1e-8f);
        }

        /** {@code new Adam(0.001)} with the paper's defaults, the rate rounded to float32. */
        public Adam(double learningRate) {
            this((float) learningRate);
        }

        @Override
        public LayerUpdater updater(Backend backend, DenseLayer layer) {
            int in = layer.inputs();
            int out = layer.outputs();
            Matrix g = backend.allocate(in, out);
            Matrix m = backend.allocate(in, out);
            Matrix v = backend.allocate(in, out);
            boolean biases = layer.biases() != null;
            Matrix gb = biases ? backend.allocate(1, out) : null;
            Matrix mb = biases ? backend.allocate(1, out) : null;
            Matrix vb = biases ? backend.allocate(1, out) : null;
            return new LayerUpdater() {
                private int step;

                @Override
                public void update(DenseLayer l, Matrix input, Matrix delta, float scale, float rate) {
                    step++;
                    backend.gemm(true, false, scale, input, delta, 0f, g);
                    backend.adamUpdate(l.weights(), g, m, v, learningRate * rate, beta1, beta2, epsilon, step);
                    if (biases) {
                        backend.columnSums(delta, gb);
                        backend.scale(scale, gb);
                        backend.adamUpdate(l.biases(), gb, mb, vb, learningRate * rate, beta1, beta2, epsilon, step);
                    }
                }

                @Override
                public void close() {
                    g.close();
                    m.close();
                    v.close();
                    if (biases) {
                        gb.close();
                        mb.close();
                        vb.close();
                    }
                }
            };
        }

        @Override
        public String toString() {
            return "adam(lr=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon + ")";
        }
    }

    /**
     * The optimizer a command line names: {@code sgd}, {@code momentum} (momentum 0.9) or {@code adam}
     * (the paper's betas), with learning rate {@code learningRate}.
     */
    static Optimizer parse(String name, float learningRate) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "sgd" -> new Sgd(learningRate);
            case "momentum" -> new Momentum(learningRate, 0.9f);
            case "adam" -> new Adam(learningRate);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'; valid: sgd, momentum, adam");
        };
    }

    private static void requirePositive(String what, float value) {
        if (!(value > 0 && Float.isFinite(value))) {
            throw new IllegalArgumentException(what + " must be positive and finite, got " + value);
        }
    }
}
