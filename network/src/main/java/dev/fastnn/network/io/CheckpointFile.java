package dev.fastnn.network.io;

import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.train.EarlyStopping;
import dev.fastnn.network.train.OptimizerState;
import dev.fastnn.network.train.Standardization;
import dev.fastnn.network.train.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * fastnn's checkpoints ({@code .fnnc}): a {@link TrainingState} and the settings of the trainer that wrote
 * it, in the frame model files have (magic, version, length, payload, CRC-32), described byte by byte in
 * {@code docs/checkpoint-format.md}. The parameters inside are a whole model file, so they are read and
 * checked exactly as a model file is. Written through {@link AtomicFile} like model files; a file cut short,
 * corrupted or of another kind is rejected with a {@link ModelFileException} that names it.
 */
public final class CheckpointFile {
    /** The version {@link #save} writes and {@link #load} reads. */
    public static final int FORMAT_VERSION = 1;
    /** {@code \x89 F N C \r \n \x1a \n}: a model file's magic with C for checkpoint. */
    private static final byte[] MAGIC = {(byte) 0x89, 'F', 'N', 'C', '\r', '\n', 0x1A, '\n'};
    static final FileFrame FRAME = new FileFrame(MAGIC, "checkpoint", 1, FORMAT_VERSION);

    /** What a checkpoint holds: the state to continue from, and the trainer's settings when it was written. */
    public record Checkpoint(TrainingState state, String trainer) {
        public Checkpoint {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(trainer, "trainer");
        }
    }

    private CheckpointFile() {
    }

    /** Writes {@code checkpoint} to {@code file} atomically, replacing what was there. */
    public static void save(Checkpoint checkpoint, Path file) throws IOException {
        byte[] bytes = encode(checkpoint);
        AtomicFile.write(file, out -> out.write(bytes));
    }

    /** Reads a checkpoint written by {@link #save}. */
    public static Checkpoint load(Path file) throws IOException {
        return decode(FRAME.read(file), file);
    }

    /** The bytes {@link #save} writes (for shipping a state elsewhere, such as to the tasks of a cluster job). */
    public static byte[] encode(Checkpoint checkpoint) {
        TrainingState state = checkpoint.state();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            putString(out, checkpoint.trainer());
            out.writeInt(state.epochsCompleted());
            out.writeLong(state.globalStep());
            out.writeLong(state.runSeed());
            putBlob(out, ModelFile.encode(state.parameters()));
            Standardization st = state.standardization();
            out.writeByte(st == null ? 0 : 1);
            if (st != null) {
                out.writeInt(st.mean().length);
                putFloats(out, st.mean());
                putFloats(out, st.scale());
            }
            OptimizerState optimizer = state.optimizer();
            putString(out, optimizer.optimizer());
            out.writeLong(optimizer.steps());
            out.writeInt(optimizer.buffers().size());
            for (float[] buffer : optimizer.buffers()) {
                out.writeInt(buffer.length);
                putFloats(out, buffer);
            }
            EarlyStopping.Progress progress = state.earlyStopping();
            out.writeByte(progress == null ? 0 : 1);
            if (progress != null) {
                out.writeDouble(progress.bestValue());
                out.writeInt(progress.bestEpoch());
                out.writeInt(progress.epochsWithoutImprovement());
                out.writeByte(progress.bestParameters() == null ? 0 : 1);
                if (progress.bestParameters() != null) {
                    putBlob(out, ModelFile.encode(progress.bestParameters()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        ByteBuffer frame = FRAME.allocate(bytes.size());
        frame.put(bytes.toByteArray());
        return FRAME.seal(frame);
    }

    /** Parses the bytes of a whole checkpoint; {@code file} only names it in messages. */
    public static Checkpoint decode(byte[] bytes, Path file) throws ModelFileException {
        ByteBuffer in = FRAME.open(bytes, file).in();
        try {
            String trainer = ModelFile.getString(in, file, "trainer settings");
            int epochs = in.getInt();
            long globalStep = in.getLong();
            long runSeed = in.getLong();
            if (epochs < 0 || globalStep < 0) {
                throw new ModelFileException(file, "corrupt: " + epochs + " epochs and " + globalStep + " steps done");
            }
            ModelParameters parameters = getModel(in, file, "parameters");
            Standardization standardization = null;
            if (flag(in, file, "standardization flag")) {
                int d = ModelFile.count(in, file, "standardization feature count", 8);
                if (d != parameters.inputs()) {
                    throw new ModelFileException(file, "corrupt: standardization of " + d + " features for a network of "
                            + parameters.inputs() + " inputs");
                }
                standardization = new Standardization(ModelFile.getFloats(in, d), ModelFile.getFloats(in, d));
            }
            String optimizer = ModelFile.getString(in, file, "optimizer");
            long steps = in.getLong();
            int count = ModelFile.count(in, file, "optimizer buffer count", 4);
            List<float[]> buffers = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int n = ModelFile.count(in, file, "length of optimizer buffer " + i, 4);
                buffers.add(ModelFile.getFloats(in, n));
            }
            if (steps < 0) {
                throw new ModelFileException(file, "corrupt: optimizer steps " + steps);
            }
            EarlyStopping.Progress progress = null;
            if (flag(in, file, "early-stopping flag")) {
                double best = in.getDouble();
                int bestEpoch = in.getInt();
                int without = in.getInt();
                ModelParameters bestParameters = flag(in, file, "best-parameters flag")
                        ? getModel(in, file, "best epoch's parameters") : null;
                if (bestEpoch < 0 || without < 0 || bestEpoch > epochs) {
                    throw new ModelFileException(file, "corrupt: early stopping's best epoch " + bestEpoch + " of "
                            + epochs + ", " + without + " epochs without improvement");
                }
                progress = new EarlyStopping.Progress(best, bestEpoch, bestParameters, without);
            }
            if (in.hasRemaining()) {
                throw new ModelFileException(file, "corrupt: " + in.remaining() + " bytes after the last field");
            }
            try {
                return new Checkpoint(new TrainingState(parameters, standardization,
                        new OptimizerState(optimizer, steps, buffers), epochs, globalStep, runSeed, progress), trainer);
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(file, "corrupt: " + e.getMessage(), e);
            }
        } catch (BufferUnderflowException e) {
            throw new ModelFileException(file, "corrupt: the payload ends in the middle of a field", e);
        }
    }

    private static ModelParameters getModel(ByteBuffer in, Path file, String what) throws ModelFileException {
        int n = ModelFile.count(in, file, "length of the " + what, 1);
        byte[] model = new byte[n];
        in.get(model);
        try {
            return ModelFile.decode(model, file);
        } catch (ModelFileException e) {
            throw new ModelFileException(file, "the " + what + " inside: " + e.problem(), e);
        }
    }

    private static boolean flag(ByteBuffer in, Path file, String what) throws ModelFileException {
        byte b = in.get();
        if (b != 0 && b != 1) {
            throw new ModelFileException(file, "corrupt: " + what + " is " + b + ", expected 0 or 1");
        }
        return b == 1;
    }

    private static void putString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static void putBlob(DataOutputStream out, byte[] blob) throws IOException {
        out.writeInt(blob.length);
        out.write(blob);
    }

    private static void putFloats(DataOutputStream out, float[] values) throws IOException {
        for (float v : values) {
            out.writeInt(Float.floatToRawIntBits(v));
        }
    }
}
