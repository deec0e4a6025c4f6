package dev.fastnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.network.train.Optimizer;
import org.junit.jupiter.api.Test;

/**
 * Without {@code learningRate} set, the rate is the chosen optimizer's own default (the library's, from
 * {@link Optimizer}), as on the command line: sgd does not step at Adam's 0.001. A rate set is kept whatever the
 * optimizer.
 */
class LearningRateDefaultTest {

    @Test
    void anUnsetRateIsTheChosenOptimizersDefaultAndTrainingUsesIt() {
        for (String name : TrainingSettings.OPTIMIZERS) {
            FastnnClassifier classifier = new FastnnClassifier().setLayers(3, 4, 2).setOptimizer(name);
            assertEquals(Optimizer.defaultLearningRate(name), classifier.getLearningRate(), 0, name);
            assertEquals(Optimizer.defaultLearningRate(name), new TrainingSettings(classifier).learningRate, 0, name);
        }
        assertEquals(Optimizer.Sgd.DEFAULT_LEARNING_RATE, new FastnnRegressor().setLayers(3, 1).setOptimizer("sgd")
                .getLearningRate(), 0);
        assertEquals(Optimizer.Adam.DEFAULT_LEARNING_RATE, new FastnnClassifier().getLearningRate(), 0);
    }

    @Test
    void aRateSetIsKeptWhateverTheOptimizer() {
        FastnnClassifier classifier = new FastnnClassifier().setLayers(3, 4, 2).setLearningRate(0.02).setOptimizer("sgd");
        assertEquals(0.02, classifier.getLearningRate(), 0);
        assertEquals(0.02f, new TrainingSettings(classifier).learningRate, 0);
    }

    @Test
    void theParamsHelpSaysEachOptimizersDefault() {
        String doc = new FastnnClassifier().learningRate().doc();
        assertTrue(doc.contains("sgd " + Optimizer.Sgd.DEFAULT_LEARNING_RATE) && doc.contains("momentum "
                + Optimizer.Momentum.DEFAULT_LEARNING_RATE) && doc.contains("adam " + Optimizer.Adam.DEFAULT_LEARNING_RATE), doc);
    }
}
