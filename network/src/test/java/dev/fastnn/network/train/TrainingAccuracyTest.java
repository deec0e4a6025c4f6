package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Argmax;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Network;
import dev.fastnn.network.testing.NetworkBackends;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The training accuracy a fit without held-out data reports, counted on the backend, is the host count over
 * the same outputs, bit for bit, on every backend: the count of rows whose {@link Argmax} is their label, in
 * the network's own forward pass on the host side of the bus, divided by the rows as the trainer divides.
 */
class TrainingAccuracyTest {

    private static Trainer.Builder small(Backend backend) {
        return Trainer.builder().layers(6, 8, 3).hiddenActivation(Activation.TANH).seed(2).backend(backend);
    }

    /** The previous behaviour's count: the outputs on the host, each row's argmax against its label. */
    private static int hostCount(Network network, Samples samples) {
        float[] out = network.predict(samples.inputs(), samples.rows());
        int k = samples.outputs();
        int correct = 0;
        for (int i = 0; i < samples.rows(); i++) {
            if (Argmax.of(out, i * k, k) == samples.labels()[i]) {
                correct++;
            }
        }
        return correct;
    }

    /**
     * Full batch, no shuffle: epoch {@code e + 1}'s one forward pass sees the weights epoch {@code e} left, which
     * the checkpoint after epoch {@code e} holds; so its training accuracy is their host count.
     */
    @ParameterizedTest
    @MethodSource("dev.fastnn.network.testing.NetworkBackends#names")
    void fullBatchAccuracyIsTheHostCountOfThePreviousEpochsWeights(String name) {
        Backend backend = NetworkBackends.get(name);
        Samples train = TrainerTest.blobs(23);
        List<TrainingState> states = new ArrayList<>();
        TrainingListener checkpoints = new TrainingListener() {
            @Override
            public int checkpointEvery() {
                return 1;
            }

            @Override
            public void checkpoint(TrainingState state) {
                states.add(state);
            }
        };
        Trainer trainer = small(backend).batchSize(train.rows()).shuffle(false).optimizer(new Optimizer.Sgd(0.5))
                .epochs(4).build();
        try (Model model = trainer.fit(train, null, null, checkpoints)) {
            List<EpochMetrics> history = model.history();
            for (int e = 1; e < history.size(); e++) {
                ModelParameters after = states.get(e - 1).parameters();
                try (Network network = Network.fromParameters(backend, after)) {
                    double expected = (double) hostCount(network, train) / train.rows();
                    assertEquals(expected, history.get(e).trainingAccuracy(), name + " epoch " + (e + 1));
                }
            }
            assertTrue(history.get(3).trainingAccuracy() > history.get(0).trainingAccuracy(), "the network learns");
        }
    }

    /**
     * Shuffled batches of 32 with a tail of 13 (301 rows): a learning rate of {@link Float#MIN_VALUE}, scaled by
     * the loss's 1 / rows, rounds every step to zero, so no weight moves and every batch is scored by the
     * initial network, whose host count over all rows each epoch's accuracy must be: no row lost or counted twice.
     */
    @ParameterizedTest
    @MethodSource("dev.fastnn.network.testing.NetworkBackends#names")
    void shuffledMiniBatchesWithATailCountEveryRowOnce(String name) {
        Backend backend = NetworkBackends.get(name);
        Samples train = TrainerTest.blobs(24);
        Trainer trainer = small(backend).batchSize(32).optimizer(new Optimizer.Sgd(Float.MIN_VALUE)).epochs(3).build();
        try (Model model = trainer.fit(train)) {
            int expected;
            try (Network initial = Network.fromParameters(backend, model.trainingState().orElseThrow().parameters())) {
                expected = hostCount(initial, train);
            }
            assertTrue(expected > 0 && expected < train.rows(), "an untrained network gets some rows right: " + expected);
            for (EpochMetrics m : model.history()) {
                assertEquals((double) expected / train.rows(), m.trainingAccuracy(), name + " epoch " + m.epoch());
            }
        }
    }

    /**
     * A count the backend could no longer hold exactly is read back first: with a limit of 10 rows, the third
     * batch of 4 finds 8 rows counted and reads the count before it adds; so each round of three batches reads
     * twice (there and at the total), and the totals stay the host's, on every backend.
     */
    @ParameterizedTest
    @MethodSource("dev.fastnn.network.testing.NetworkBackends#names")
    void theCountIsReadBeforeItCouldPassTheExactLimit(String name) {
        Backend backend = NetworkBackends.get(name);
        float[][] scores = {
            {0.9f, 0.1f, 0f, 0.2f, 0.7f, 0.1f, 0.3f, 0.3f, 0.4f, 0.5f, 0.5f, 0f},
            {0.1f, 0.8f, 0.1f, 0.6f, 0.2f, 0.2f, 0.2f, 0.2f, 0.6f, 0f, 0f, 1f},
            {0.6f, 0.3f, 0.1f, 0f, 1f, 0f, 0.1f, 0.1f, 0.8f, 0.2f, 0.2f, 0.6f}};
        float[] targets = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0};
        int[] matches = {4, 1, 3};
        try (CorrectPredictions counted = new CorrectPredictions(backend, 10);
             Matrix t = backend.upload(targets, 4, 3); Matrix one = backend.allocate(1, 1)) {
            long before = backend.transfers().bytesFromBackend();
            backend.download(one);
            long oneRead = backend.transfers().bytesFromBackend() - before;
            for (int round = 0; round < 3; round++) {
                int added = 0;
                long readWhileAdding = 0;
                for (int b = 0; b < scores.length; b++) {
                    try (Matrix s = backend.upload(scores[b], 4, 3)) {
                        readWhileAdding -= backend.transfers().bytesFromBackend();
                        counted.add(s, t);
                        readWhileAdding += backend.transfers().bytesFromBackend();
                        added += matches[b];
                    }
                }
                assertEquals(oneRead, readWhileAdding, name + " round " + round + ": one read, before the third batch");
                assertEquals(added, counted.takeTotal(), name + " round " + round);
            }
            assertEquals(0, counted.takeTotal(), name + ": taken totals start over");
        }
        assertThrows(IllegalArgumentException.class, () -> new CorrectPredictions(backend, 0));
        assertThrows(IllegalArgumentException.class, () -> new CorrectPredictions(backend, Backend.EXACT_COUNT + 1));
    }
}
