package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Matrix;
import dev.fastnn.kernels.naive.NaiveBackend;
import dev.fastnn.network.model.LayerSpec;
import dev.fastnn.network.model.Network;
import dev.fastnn.network.testing.NetworkBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Warm start against the uninterrupted run as reference: every piece of a run's state (weights, optimizer
 * buffers and step count, epoch, global step, run seed) must travel through {@link TrainingState}, so a run
 * split anywhere at an epoch boundary is bit-identical to one that was not.
 */
class WarmStartTest {

    static Stream<String> deterministicBackends() {
        return Stream.of("naive", "vector");
    }

    static Stream<Optimizer> optimizers() {
        return Stream.of(new Optimizer.Sgd(0.3f), new Optimizer.Momentum(0.05f, 0.9f), new Optimizer.Adam(0.01f));
    }

    /** Every setting that carries state across epochs at once: Adam's moments and steps, a cosine schedule with warm-up, standardization. */
    private static Trainer.Builder builder(Backend backend, Optimizer optimizer) {
        return Trainer.builder().layers(6, 9, 7, 3).hiddenActivation(Activation.TANH).optimizer(optimizer)
                .schedule(new LearningRateSchedule.Cosine(1)).regularization(new Regularization(1e-3f, 1e-2f))
                .standardize(true).batchSize(32).epochs(4).seed(21).backend(backend);
    }

    @ParameterizedTest
    @MethodSource("deterministicBackends")
    void fourEpochsEqualTwoPlusTwoFromTheStateBitForBit(String name) {
        Backend backend = NetworkBackends.get(name);
        Samples data = TrainerTest.blobs(31);
        for (Optimizer optimizer : optimizers().toList()) {
            TrainingState whole;
            float[] uninterrupted;
            try (Model model = builder(backend, optimizer).build().fit(data)) {
                uninterrupted = model.predict(data.inputs(), data.rows());
                whole = model.trainingState().orElseThrow();
            }
            Trainer again = builder(backend, optimizer).build();
            TrainingState start = again.initialState(Standardization.of(data));
            TrainingState afterTwo = again.trainEpochs(data, start, 2, start.runSeed(), TrainingListener.NONE);
            assertEquals(2, afterTwo.epochsCompleted());
            try (Model resumed = again.fit(data, null, TrainingListener.NONE, afterTwo)) {
                assertArrayEquals(uninterrupted, resumed.predict(data.inputs(), data.rows()), optimizer + " on " + name);
                TrainingState end = resumed.trainingState().orElseThrow();
                assertArrayEquals(whole.values(), end.values(), "parameters and optimizer buffers, " + optimizer);
                assertEquals(whole.globalStep(), end.globalStep());
                assertEquals(whole.optimizer().steps(), end.optimizer().steps());
                assertEquals(4 * 10, end.globalStep(), "301 rows in batches of 32: 10 per epoch");
                assertEquals(whole.runSeed(), end.runSeed());
            }
            TrainingState second = again.initialState(Standardization.of(data));
            assertTrue(second.runSeed() != start.runSeed(), "the second initialState of a trainer is a new run");
            assertFalse(java.util.Arrays.equals(start.values(), second.values()));
        }
    }

    @Test
    void aListenerStopHandsOverAStateThatContinuesTheRun() {
        Backend backend = new NaiveBackend();
        Samples data = TrainerTest.blobs(32);
        Optimizer adam = new Optimizer.Adam(0.01f);
        float[] uninterrupted;
        try (Model model = builder(backend, adam).build().fit(data)) {
            uninterrupted = model.predict(data.inputs(), data.rows());
        }
        List<String> calls = new ArrayList<>();
        TrainingListener stopAtTwo = new TrainingListener() {
            @Override
            public void epochStarted(int epoch, int batches) {
                calls.add("start " + epoch);
            }

            @Override
            public void epochFinished(EpochMetrics metrics) {
                calls.add("end " + metrics.epoch());
            }

            @Override
            public boolean shouldStop(EpochMetrics metrics) {
                return metrics.epoch() == 2;
            }

            @Override
            public void trainingFinished(int epochs, StopReason reason) {
                calls.add("finished " + epochs + " " + reason);
            }
        };
        Trainer trainer = builder(backend, adam).build();
        TrainingState afterTwo;
        try (Model stopped = trainer.fit(data, null, stopAtTwo)) {
            assertEquals(2, stopped.history().size());
            assertEquals("listener_stopped", stopped.parameters().metadata().get("stopReason"));
            afterTwo = stopped.trainingState().orElseThrow();
        }
        assertEquals(List.of("start 1", "end 1", "start 2", "end 2", "finished 2 LISTENER_STOPPED"), calls);
        calls.clear();
        try (Model resumed = trainer.fit(data, null, stopAtTwo, afterTwo)) {
            assertArrayEquals(uninterrupted, resumed.predict(data.inputs(), data.rows()));
            assertEquals(List.of(3, 4), resumed.history().stream().map(EpochMetrics::epoch).toList());
        }
        assertEquals(List.of("start 3", "end 3", "start 4", "end 4", "finished 4 COMPLETED"), calls);
    }

    /**
     * What a data-parallel job does with one partition and one averaging round per epoch: train one epoch
     * from the broadcast state with partition 0's seed, average the one result. It must be the single-machine fit.
     */
    @ParameterizedTest
    @MethodSource("deterministicBackends")
    void onePartitionOneRoundPerEpochIsTheSingleMachineFit(String name) {
        Backend backend = NetworkBackends.get(name);
        Samples data = TrainerTest.blobs(33);
        TrainingState single;
        try (Model model = builder(backend, new Optimizer.Adam(0.01f)).build().fit(data)) {
            single = model.trainingState().orElseThrow();
        }
        Trainer trainer = builder(backend, new Optimizer.Adam(0.01f)).build();
        TrainingState state = trainer.initialState(Standardization.of(data));
        for (int round = 0; round < trainer.epochs(); round++) {
            TrainingState local = trainer.trainEpochs(data, state, 1, Seeds.partition(state.runSeed(), 0),
                    TrainingListener.NONE);
            state = TrainingState.average(List.of(local), new double[] {data.rows()});
        }
        assertArrayEquals(single.values(), state.values());
        assertEquals(single.globalStep(), state.globalStep());
        assertEquals(single.optimizer().steps(), state.optimizer().steps());
    }

    @Test
    void averageIsTheWeightedMeanOfValuesAndSteps() {
        Trainer trainer = builder(new NaiveBackend(), new Optimizer.Momentum(0.05f, 0.9f)).build();
        Samples data = TrainerTest.blobs(34);
        TrainingState start = trainer.initialState(Standardization.of(data));
        TrainingState a = trainer.trainEpochs(data, start, 1, Seeds.partition(start.runSeed(), 0), TrainingListener.NONE);
        TrainingState b = trainer.trainEpochs(data.limit(100), start, 1, Seeds.partition(start.runSeed(), 1),
                TrainingListener.NONE);
        TrainingState mean = TrainingState.average(List.of(a, b), new double[] {3, 1});
        float[] va = a.values();
        float[] vb = b.values();
        float[] vm = mean.values();
        for (int i = 0; i < vm.length; i++) {
            assertEquals((float) ((3.0 * va[i] + vb[i]) / 4), vm[i], "value " + i);
        }
        assertEquals(Math.round((3.0 * a.globalStep() + b.globalStep()) / 4), mean.globalStep());
        assertEquals(start.runSeed(), mean.runSeed());
        assertEquals(1, mean.epochsCompleted());
        assertThrows(IllegalArgumentException.class, () -> TrainingState.average(List.of(a, start), new double[] {1, 1}));
    }

    @Test
    void partitionSeedsDifferAndPartitionZeroIsTheRunSeed() {
        assertEquals(42L, Seeds.partition(42L, 0));
        assertTrue(Seeds.partition(42L, 1) != Seeds.partition(42L, 2) && Seeds.partition(42L, 1) != 42L);
        assertTrue(Seeds.shuffle(1, 1).nextLong() != Seeds.shuffle(1, 2).nextLong());
    }

    @Test
    void aStateOfAnotherNetworkOrOptimizerIsRejectedNamingTheDifference() {
        Samples data = TrainerTest.blobs(35);
        Trainer adam = builder(new NaiveBackend(), new Optimizer.Adam(0.01f)).build();
        TrainingState state = adam.initialState(Standardization.of(data));
        Trainer momentum = builder(new NaiveBackend(), new Optimizer.Momentum(0.1f, 0.9f)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> momentum.fit(data, null, TrainingListener.NONE, state));
        assertTrue(e.getMessage().contains("adam") && e.getMessage().contains("momentum"), e.getMessage());
        Trainer wider = builder(new NaiveBackend(), new Optimizer.Adam(0.01f)).layers(6, 10, 7, 3).build();
        e = assertThrows(IllegalArgumentException.class, () -> wider.fit(data, null, TrainingListener.NONE, state));
        assertEquals("the training state holds a 6-9-7-3 tanh/softmax network, not the 6-10-7-3 tanh/softmax this "
                + "trainer trains", e.getMessage());
        Trainer raw = builder(new NaiveBackend(), new Optimizer.Adam(0.01f)).standardize(false).build();
        e = assertThrows(IllegalArgumentException.class, () -> raw.fit(data, null, TrainingListener.NONE, state));
        assertEquals("the training state is standardized but this trainer does not standardize", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> adam.trainEpochs(data, state, 5, state.runSeed(), TrainingListener.NONE));
    }

    @Test
    void stateShapesAreTheShapesOfTheUpdatersBuffers() {
        Backend backend = new NaiveBackend();
        for (boolean biases : new boolean[] {true, false}) {
            LayerSpec spec = new LayerSpec(5, 3, Activation.TANH, biases);
            Trainer t = Trainer.builder().layers(5, 3).biases(biases).loss(dev.fastnn.network.model.Loss.MEAN_SQUARED_ERROR)
                    .outputActivation(Activation.TANH).backend(backend).build();
            TrainingState s = t.initialState(null);
            try (Network network = Network.fromParameters(backend, s.parameters())) {
                for (Optimizer o : optimizers().toList()) {
                    try (Optimizer.LayerUpdater u = o.updater(backend, network.layers().get(0))) {
                        List<int[]> shapes = o.stateShapes(spec);
                        assertEquals(shapes.size(), u.state().size(), o + " biases " + biases);
                        for (int i = 0; i < shapes.size(); i++) {
                            Matrix m = u.state().get(i);
                            assertArrayEquals(shapes.get(i), new int[] {m.rows(), m.cols()}, o + " buffer " + i);
                        }
                    }
                }
            }
        }
    }
}
