package dev.fastnn.network.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backend;
import dev.fastnn.network.testing.NetworkBackends;
import dev.fastnn.network.train.EarlyStopping;
import dev.fastnn.network.train.LearningRateSchedule;
import dev.fastnn.network.train.Model;
import dev.fastnn.network.train.Optimizer;
import dev.fastnn.network.train.Regularization;
import dev.fastnn.network.train.Samples;
import dev.fastnn.network.train.Trainer;
import dev.fastnn.network.train.TrainingListener;
import dev.fastnn.network.train.TrainingState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoints against the run that was never interrupted (resume is bit-identical) and against the model
 * file's rules for damaged files (every truncation, every flipped byte, another kind of file, a newer version).
 */
class CheckpointFileTest {
    @TempDir
    Path dir;

    static Stream<String> deterministicBackends() {
        return Stream.of("naive", "vector");
    }

    /** Three classes in 5 dimensions, 203 rows (not a multiple of the batch). */
    private static Samples data(long seed, int rows) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[rows * 5];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(3);
            for (int j = 0; j < 5; j++) {
                x[i * 5 + j] = (float) ((j % 3 == y[i] ? 1.2 : -0.4) * 10 + 3 * r.nextGaussian());
            }
        }
        return Samples.classification(x, rows, 5, y, 3);
    }

    /** Everything that carries state: Adam, cosine with warm-up, weight decay, standardization, early stopping. */
    private static Trainer trainer(Backend backend) {
        return Trainer.builder().layers(5, 12, 3).hiddenActivation(Activation.RELU).optimizer(new Optimizer.Adam(0.01f))
                .schedule(new LearningRateSchedule.Cosine(1)).regularization(new Regularization(0f, 0.01f))
                .earlyStopping(new EarlyStopping(EarlyStopping.Monitor.VALIDATION_LOSS, 50)).standardize(true)
                .batchSize(16).epochs(4).seed(8).backend(backend).build();
    }

    /** Saves a checkpoint file per epoch, as the command line's --checkpoint-every 1 would (under distinct names). */
    private TrainingListener checkpointing(Trainer trainer) {
        return new TrainingListener() {
            @Override
            public int checkpointEvery() {
                return 1;
            }

            @Override
            public void checkpoint(TrainingState state) {
                try {
                    CheckpointFile.save(new CheckpointFile.Checkpoint(state, trainer.toString()),
                            dir.resolve("epoch-" + state.epochsCompleted() + ".fnnc"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    @ParameterizedTest
    @MethodSource("deterministicBackends")
    void resumingFromTheEpochTwoFileIsBitIdenticalToFourEpochsInOneRun(String name) throws IOException {
        Backend backend = NetworkBackends.get(name);
        Samples train = data(1, 203);
        Samples validation = data(2, 60);
        float[] uninterrupted;
        Trainer first = trainer(backend);
        try (Model model = first.fit(train, validation, null, checkpointing(first))) {
            uninterrupted = model.predict(train.inputs(), train.rows());
        }
        CheckpointFile.Checkpoint two = CheckpointFile.load(dir.resolve("epoch-2.fnnc"));
        assertEquals(2, two.state().epochsCompleted());
        assertEquals(first.toString(), two.trainer());
        try (Model resumed = trainer(backend).fit(train, validation, null, TrainingListener.NONE, two.state())) {
            assertArrayEquals(uninterrupted, resumed.predict(train.inputs(), train.rows()), "resumed on " + name);
            assertArrayEquals(CheckpointFile.load(dir.resolve("epoch-4.fnnc")).state().values(),
                    resumed.trainingState().orElseThrow().values(), "and the same state at the end");
        }
    }

    @Test
    void everyFieldRoundTripsExactly() throws IOException {
        Samples train = data(3, 203);
        Trainer trainer = trainer(NetworkBackends.get("naive"));
        TrainingState state;
        try (Model model = trainer.fit(train, data(4, 50), null, TrainingListener.NONE)) {
            state = model.trainingState().orElseThrow();
        }
        Path file = dir.resolve("c.fnnc");
        CheckpointFile.save(new CheckpointFile.Checkpoint(state, "settings ü"), file);
        CheckpointFile.Checkpoint back = CheckpointFile.load(file);
        TrainingState s = back.state();
        assertEquals("settings ü", back.trainer());
        assertArrayEquals(state.values(), s.values());
        assertEquals(state.epochsCompleted(), s.epochsCompleted());
        assertEquals(state.globalStep(), s.globalStep());
        assertEquals(state.runSeed(), s.runSeed());
        assertEquals(state.optimizer().optimizer(), s.optimizer().optimizer());
        assertEquals(state.optimizer().steps(), s.optimizer().steps());
        assertArrayEquals(state.standardization().mean(), s.standardization().mean());
        assertArrayEquals(state.standardization().scale(), s.standardization().scale());
        EarlyStopping.Progress p = state.earlyStopping();
        EarlyStopping.Progress q = s.earlyStopping();
        assertEquals(Double.doubleToRawLongBits(p.bestValue()), Double.doubleToRawLongBits(q.bestValue()));
        assertEquals(p.bestEpoch(), q.bestEpoch());
        assertEquals(p.epochsWithoutImprovement(), q.epochsWithoutImprovement());
        assertArrayEquals(p.bestParameters().layers().get(0).weights(), q.bestParameters().layers().get(0).weights());
        assertEquals(state.parameters().layers().get(1).activation(), s.parameters().layers().get(1).activation());
        assertArrayEquals(CheckpointFile.encode(new CheckpointFile.Checkpoint(state, "settings ü")), Files.readAllBytes(file),
                "the same state always gives the same bytes");
    }

    private byte[] goodBytes() {
        Trainer trainer = trainer(NetworkBackends.get("naive"));
        try (Model model = trainer.fit(data(5, 40), data(6, 20), null, TrainingListener.NONE)) {
            return CheckpointFile.encode(new CheckpointFile.Checkpoint(model.trainingState().orElseThrow(), trainer.toString()));
        }
    }

    @Test
    void aCheckpointCutShortAnywhereIsRejectedAsTruncated() throws IOException {
        byte[] good = goodBytes();
        Path file = dir.resolve("short.fnnc");
        for (int length = 0; length < good.length; length += length < 64 ? 1 : 97) {
            Files.write(file, Arrays.copyOf(good, length));
            ModelFileException e = assertThrows(ModelFileException.class, () -> CheckpointFile.load(file), "length " + length);
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), length + ": " + e.getMessage());
        }
    }

    @Test
    void aFlippedByteAnywhereIsRejected() throws IOException {
        byte[] good = goodBytes();
        Path file = dir.resolve("flipped.fnnc");
        for (int at = 0; at < good.length; at += at < 64 ? 1 : 13) {
            byte[] bad = good.clone();
            bad[at] ^= 0x10;
            Files.write(file, bad);
            ModelFileException e = assertThrows(ModelFileException.class, () -> CheckpointFile.load(file), "byte " + at);
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        }
        byte[] bad = good.clone();
        bad[FileFrame.HEADER_BYTES + 40] ^= 0x01;
        Files.write(file, bad);
        assertTrue(assertThrows(ModelFileException.class, () -> CheckpointFile.load(file)).getMessage()
                .contains("checksum mismatch"));
    }

    @Test
    void modelFilesAndCheckpointsAreNotTakenForEachOther() throws IOException {
        Path checkpoint = dir.resolve("c.fnnc");
        Files.write(checkpoint, goodBytes());
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(checkpoint));
        assertTrue(e.getMessage().contains("not a fastnn model file"), e.getMessage());
        Path model = dir.resolve("m.fnn");
        try (Model m = Trainer.builder().layers(5, 3).backend(NetworkBackends.get("naive")).epochs(1).build().fit(data(7, 20))) {
            ModelFile.save(m.parameters(), model);
        }
        e = assertThrows(ModelFileException.class, () -> CheckpointFile.load(model));
        assertTrue(e.getMessage().contains("not a fastnn checkpoint"), e.getMessage());
    }

    @Test
    void aNewerVersionAndACorruptFieldBehindAValidChecksumAreNamed() throws IOException {
        byte[] good = goodBytes();
        Path file = dir.resolve("v.fnnc");
        byte[] newer = good.clone();
        ByteBuffer.wrap(newer).putInt(FileFrame.MAGIC_BYTES, 2);
        Files.write(file, reseal(newer));
        assertTrue(assertThrows(ModelFileException.class, () -> CheckpointFile.load(file)).getMessage()
                .contains("unsupported format version 2; this fastnn reads version 1 (the file was written by a newer fastnn)"));
        // The last byte of the payload is the early-stopping best-parameters blob's end; the byte after the
        // epochs, steps and seed is the length of the parameters' model file: make it point past the end.
        byte[] corrupt = good.clone();
        ByteBuffer b = ByteBuffer.wrap(corrupt);
        int trainerLength = b.getInt(FileFrame.HEADER_BYTES);
        b.putInt(FileFrame.HEADER_BYTES + 4 + trainerLength + 4 + 8 + 8, Integer.MAX_VALUE);
        Files.write(file, reseal(corrupt));
        String message = assertThrows(ModelFileException.class, () -> CheckpointFile.load(file)).getMessage();
        assertTrue(message.contains("length of the parameters") && message.contains("impossible"), message);
    }

    /** The same bytes with a correct checksum. */
    private static byte[] reseal(byte[] bytes) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }
}
