package dev.fastnn.network.cli;

import dev.fastnn.network.train.Regularization;
import picocli.CommandLine.Option;

/**
 * Regularization, mixed into {@code train}: penalties on the weights (never the biases), {@code --l2} and
 * {@code --weight-decay}, and {@code --dropout} on the hidden layers.
 */
final class RegularizationOptions {
    @Option(names = "--l2", paramLabel = "L", defaultValue = "0", converter = OptionConverters.NonNegativeFloat.class,
            description = "L2 penalty L/2 |W|^2 added to the loss, so L W to the weights' gradient (default: "
                    + "${DEFAULT-VALUE}).")
    private float l2;

    @Option(names = "--weight-decay", paramLabel = "W", defaultValue = "0",
            converter = OptionConverters.NonNegativeFloat.class,
            description = "Decoupled weight decay (AdamW): each step shrinks the weights by 1 - lr W, outside the "
                    + "optimizer's moments (default: ${DEFAULT-VALUE}).")
    private float weightDecay;

    @Option(names = "--dropout", paramLabel = "P", defaultValue = "0", converter = OptionConverters.DropoutRate.class,
            description = "Inverted dropout on the hidden layers in training: each unit is zeroed with probability P in "
                    + "[0, 1) (default: ${DEFAULT-VALUE}); evaluation and prediction never drop.")
    private float dropout;

    float dropout() {
        return dropout;
    }

    Regularization regularization() {
        return new Regularization(l2, weightDecay);
    }
}
