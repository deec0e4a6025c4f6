package dev.fastnn.network.train;

import java.util.List;
import java.util.Objects;

/**
 * An optimizer's state between steps, on the host: which optimizer ({@link Optimizer#id()}), how many steps
 * it has taken (Adam's bias correction counts them) and the buffers it carries, in the order of
 * {@link Optimizer.LayerUpdater#state()}, layer after layer: nothing for {@code sgd}; per layer the weight
 * velocity ({@code inputs x outputs}) then the bias velocity ({@code outputs}) for {@code momentum}; per
 * layer the weights' first and second moments, then the biases' first and second moments, for
 * {@code adam}. Bias entries exist only for layers with biases.
 */
public record OptimizerState(String optimizer, long steps, List<float[]> buffers) {

    public OptimizerState {
        Objects.requireNonNull(optimizer, "optimizer");
        buffers = List.copyOf(buffers);
        if (steps < 0) {
            throw new IllegalArgumentException("optimizer steps must be >= 0, got " + steps);
        }
    }
}
