package dev.fastnn.network.train;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.network.model.DenseLayer;
import dev.fastnn.network.model.LayerSpec;
import java.util.List;

/**
 * How a layer's parameters move given its gradient. The weight gradient of a batch is
 * {@code scale * input^T delta}; each optimizer folds that product into its own update (plain steps and
 * momentum compute it straight into the weights or the velocity through gemm's alpha and beta), so no
 * optimizer makes an extra pass over the weights for the gradient.
 *
 * <p>{@link Regularization} enters every optimizer the same way, on weights only (biases are never
 * regularized): the L2 penalty {@code l2/2 |W|^2} adds {@code l2 W} to the gradient before the optimizer
 * sees it, and decoupled weight decay (AdamW) shrinks the weights by {@code 1 - lr rate weightDecay}
 * before the optimizer's step, outside its moments.
 */
public sealed interface Optimizer {
    /** The {@link #id}s, in the order the command line's help lists them. */
    List<String> NAMES = List.of(Sgd.ID, Momentum.ID, Adam.ID);

    /** {@code sgd}, {@code momentum} or {@code adam}: the name on the command line and in training states. */
    String id();

    /** The rate a schedule's factor multiplies. */
    float learningRate();

    /** {@link #updater(Backend, DenseLayer, Regularization)} without regularization. */
    default LayerUpdater updater(Backend backend, DenseLayer layer) {
        return updater(backend, layer, Regularization.NONE);
    }

    /** State for one layer (velocities, moments, gradient buffers), allocated once per training run. */
    LayerUpdater updater(Backend backend, DenseLayer layer, Regularization regularization);

    /** The shapes, {@code {rows, cols}}, of what {@link LayerUpdater#state()} holds for such a layer, in its order. */
    List<int[]> stateShapes(LayerSpec layer);

    /**
     * Updates one layer from the batch's {@code input} to it and its unscaled output delta; the gradient is
     * {@code scale input^T delta}, the learning rate is multiplied by {@code rate} (a schedule's factor), and
     * {@code step} counts the optimizer's steps from 1 (Adam's bias correction).
     */
    interface LayerUpdater extends AutoCloseable {
        void update(DenseLayer layer, Matrix input, Matrix delta, float scale, float rate, long step);

        /**
         * The matrices this updater carries from step to step, in a fixed order (what a {@link TrainingState}
         * saves and restores): none for plain steps; velocity of the weights, then of the biases, for momentum;
         * first and second moments of the weights, then of the biases, for Adam. Bias entries exist only for a
         * layer with biases.
         */
        List<Matrix> state();

        @Override
        void close();
    }

    /** Plain gradient descent, {@code w -= learningRate * g}; the article's update with rate 1. */
    record Sgd(float learningRate) implements Optimizer {
        public static final String ID = "sgd";
        /**
         * The rate of {@link #parse(String)}: the article-style Fashion-MNIST recipe's (a sigmoid hidden layer,
         * batch 128), which also trains a standardized tabular classifier well.
         */
        public static final float DEFAULT_LEARNING_RATE = 0.5f;

        public Sgd {
            requirePositive("learning rate", learningRate);
        }

        /** {@code new Sgd(0.5)}: the rate rounded to float32, the precision of the weights it moves. */
        public Sgd(double learningRate) {
            this((float) learningRate);
        }

        @Override
        public String id() {
            return ID;
        }

        @Override
        public List<int[]> stateShapes(LayerSpec layer) {
            return List.of();
        }

        @Override
        public LayerUpdater updater(Backend backend, DenseLayer layer, Regularization regularization) {
            Matrix biasGradient = layer.biases() == null ? null : backend.allocate(1, layer.outputs());
            return new LayerUpdater() {
                @Override
                public void update(DenseLayer l, Matrix input, Matrix delta, float scale, float rate, long t) {
                    float lr = learningRate * rate;
                    // For plain steps the penalty's l2 W and the decay's shrinking are the same factor on W,
                    // applied through gemm's beta in the one pass that adds the gradient.
                    float keep = 1f - lr * (regularization.l2() + regularization.weightDecay());
                    float step = -lr * scale;
                    backend.gemm(true, false, step, input, delta, keep, l.weights());
                    if (biasGradient != null) {
                        backend.addColumnSums(step, delta, biasGradient, l.biases());
                    }
                }

                @Override
                public List<Matrix> state() {
                    return List.of();
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
        public static final String ID = "momentum";
        /**
         * The rate of {@link #parse(String)}: under momentum 0.9 the velocity settles at ten gradients, so this
         * takes the steps of {@link Sgd#DEFAULT_LEARNING_RATE}.
         */
        public static final float DEFAULT_LEARNING_RATE = 0.05f;
        /** The momentum of {@link #parse}. */
        public static final float DEFAULT_MOMENTUM = 0.9f;

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
        public String id() {
            return ID;
        }

        @Override
        public List<int[]> stateShapes(LayerSpec layer) {
            int[] w = {layer.inputs(), layer.outputs()};
            return layer.biases() ? List.of(w, new int[] {1, layer.outputs()}) : List.of(w);
        }

        @Override
        public LayerUpdater updater(Backend backend, DenseLayer layer, Regularization regularization) {
            Matrix velocity = backend.allocateLike(layer.weights());
            boolean biases = layer.biases() != null;
            Matrix biasGradient = biases ? backend.allocate(1, layer.outputs()) : null;
            Matrix biasVelocity = biases ? backend.allocate(1, layer.outputs()) : null;
            List<Matrix> state = biases ? List.of(velocity, biasVelocity) : List.of(velocity);
            return new LayerUpdater() {
                @Override
                public void update(DenseLayer l, Matrix input, Matrix delta, float scale, float rate, long t) {
                    float lr = learningRate * rate;
                    backend.gemm(true, false, scale, input, delta, momentum, velocity);
                    regularization.beforeStep(backend, l.weights(), velocity, lr);
                    backend.axpy(-lr, velocity, l.weights());
                    if (biases) {
                        backend.scale(momentum, biasVelocity);
                        backend.addColumnSums(scale, delta, biasGradient, biasVelocity);
                        backend.axpy(-lr, biasVelocity, l.biases());
                    }
                }

                @Override
                public List<Matrix> state() {
                    return state;
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
        public static final String ID = "adam";
        /** The rate of {@link #parse(String)}: the paper's. */
        public static final float DEFAULT_LEARNING_RATE = 0.001f;

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
        public String id() {
            return ID;
        }

        @Override
        public List<int[]> stateShapes(LayerSpec layer) {
            int[] w = {layer.inputs(), layer.outputs()};
            int[] b = {1, layer.outputs()};
            return layer.biases() ? List.of(w, w, b, b) : List.of(w, w);
        }

        @Override
        public LayerUpdater updater(Backend backend, DenseLayer layer, Regularization regularization) {
            int out = layer.outputs();
            Matrix g = backend.allocateLike(layer.weights());
            Matrix m = backend.allocateLike(layer.weights());
            Matrix v = backend.allocateLike(layer.weights());
            boolean biases = layer.biases() != null;
            Matrix gb = biases ? backend.allocate(1, out) : null;
            Matrix mb = biases ? backend.allocate(1, out) : null;
            Matrix vb = biases ? backend.allocate(1, out) : null;
            List<Matrix> state = biases ? List.of(m, v, mb, vb) : List.of(m, v);
            return new LayerUpdater() {
                @Override
                public void update(DenseLayer l, Matrix input, Matrix delta, float scale, float rate, long t) {
                    float lr = learningRate * rate;
                    // Past 2^31 steps both bias corrections are 1 in float anyway.
                    int step = (int) Math.min(t, Integer.MAX_VALUE);
                    backend.gemm(true, false, scale, input, delta, 0f, g);
                    regularization.beforeStep(backend, l.weights(), g, lr);
                    backend.adamUpdate(l.weights(), g, m, v, lr, beta1, beta2, epsilon, step);
                    if (biases) {
                        backend.columnSums(delta, gb);
                        backend.scale(scale, gb);
                        backend.adamUpdate(l.biases(), gb, mb, vb, lr, beta1, beta2, epsilon, step);
                    }
                }

                @Override
                public List<Matrix> state() {
                    return state;
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
     * The optimizer a command line names: {@code sgd}, {@code momentum} (momentum
     * {@value Momentum#DEFAULT_MOMENTUM}) or {@code adam} (the paper's betas), with learning rate
     * {@code learningRate}.
     */
    static Optimizer parse(String name, float learningRate) {
        return switch (id(name)) {
            case Sgd.ID -> new Sgd(learningRate);
            case Momentum.ID -> new Momentum(learningRate, Momentum.DEFAULT_MOMENTUM);
            default -> new Adam(learningRate);
        };
    }

    /** {@link #parse(String, float)} at the optimizer's own default rate ({@code DEFAULT_LEARNING_RATE}). */
    static Optimizer parse(String name) {
        return parse(name, defaultLearningRate(name));
    }

    /** The {@code DEFAULT_LEARNING_RATE} of the optimizer {@code name} spells, in any case. */
    public static float defaultLearningRate(String name) {
        return switch (id(name)) {
            case Sgd.ID -> Sgd.DEFAULT_LEARNING_RATE;
            case Momentum.ID -> Momentum.DEFAULT_LEARNING_RATE;
            default -> Adam.DEFAULT_LEARNING_RATE;
        };
    }

    /** The {@link #id} {@code name} spells, in any case; an unknown name is an error listing the valid ones. */
    static String id(String name) {
        String id = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (!NAMES.contains(id)) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "'; valid: " + String.join(", ", NAMES));
        }
        return id;
    }

    private static void requirePositive(String what, float value) {
        if (!(value > 0 && Float.isFinite(value))) {
            throw new IllegalArgumentException(what + " must be positive and finite, got " + value);
        }
    }
}
