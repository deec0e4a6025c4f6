package dev.fastnn.network.io;

import dev.fastnn.kernels.Activation;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Preprocessing;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * fastnn's model files ({@code .fnn}): a versioned binary format with a CRC-32 over every byte, described
 * byte by byte in {@code docs/model-format.md}. Floats are stored as their IEEE 754 bits, so a loaded model
 * is bit-identical to the saved one and gives identical predictions on the same backend.
 *
 * <p>{@link #save} writes through {@link AtomicFile}: a temporary file next to the target, forced to disk and
 * renamed over the target, so a crash or a full disk leaves either the old file or the new one, never half of one.
 * {@link #load} checks the magic, the version, the length and the checksum before it trusts a single size,
 * and checks every size against the bytes that are really there before allocating for it.
 */
public final class ModelFile {
    /** The version {@link #save} writes; {@link #load} reads it and every earlier one. */
    public static final int FORMAT_VERSION = 2;
    private static final int TASK_CLASSIFICATION = 0;
    private static final int TASK_REGRESSION = 1;
    private static final int LABELS_INTEGER = 0;
    private static final int LABELS_STRING = 1;
    /** {@code \x89 F N N \r \n \x1a \n}: not text, and damaged recognisably by text-mode transfers (as PNG's). */
    private static final byte[] MAGIC = {(byte) 0x89, 'F', 'N', 'N', '\r', '\n', 0x1A, '\n'};
    static final FileFrame FRAME = new FileFrame(MAGIC, "model file", 1, FORMAT_VERSION);

    private ModelFile() {
    }

    /** Writes {@code model} to {@code file} atomically (see {@link AtomicFile}), replacing what was there. */
    public static void save(ModelParameters model, Path file) throws IOException {
        Objects.requireNonNull(model, "model");
        byte[] bytes = encode(model);
        AtomicFile.write(file, out -> out.write(bytes));
    }

    /** Reads a model saved by {@link #save} (any supported version). */
    public static ModelParameters load(Path file) throws IOException {
        return decode(FRAME.read(file), file);
    }

    /** The whole file, checksum included. */
    static byte[] encode(ModelParameters model) {
        checkFinite(model);
        Sink.Counter size = new Sink.Counter();
        writePayload(model, size);
        ByteBuffer out = FRAME.allocate(size.bytes);
        writePayload(model, new Sink.Writer(out));
        return FRAME.seal(out);
    }

    /** A model with a NaN or infinite parameter predicts nothing useful; neither written nor read. */
    private static void checkFinite(ModelParameters model) {
        for (int l = 0; l < model.layers().size(); l++) {
            String problem = nonFinite(model.layers().get(l), l);
            if (problem != null) {
                throw new IllegalArgumentException("cannot save the model: " + problem);
            }
        }
    }

    /** What is not finite in the layer, or null. */
    private static String nonFinite(LayerParameters layer, int l) {
        float[] w = layer.weights();
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                return "layer " + l + " weight " + i + " (row " + i / layer.outputs() + ", column " + i % layer.outputs()
                        + ") is " + w[i] + "; a model's weights must be finite";
            }
        }
        if (layer.hasBiases()) {
            for (int j = 0; j < layer.outputs(); j++) {
                if (!Float.isFinite(layer.biases()[j])) {
                    return "layer " + l + " bias " + j + " is " + layer.biases()[j] + "; a model's biases must be finite";
                }
            }
        }
        return null;
    }

    /** The payload of the current version, in the order of docs/model-format.md. */
    private static void writePayload(ModelParameters model, Sink out) {
        Map<String, String> metadata = new TreeMap<>(model.metadata());
        out.putInt(metadata.size());
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            out.putString(e.getKey());
            out.putString(e.getValue());
        }
        ClassLabels labels = model.classLabels();
        out.putByte(labels == null ? TASK_REGRESSION : TASK_CLASSIFICATION);
        if (labels != null) {
            out.putByte(labels.kind() == ClassLabels.Kind.INTEGER ? LABELS_INTEGER : LABELS_STRING);
            out.putInt(labels.size());
            for (String label : labels.values()) {
                out.putString(label);
            }
        }
        out.putInt(model.featureNames().size());
        for (String name : model.featureNames()) {
            out.putString(name);
        }
        Preprocessing preprocessing = model.preprocessing();
        out.putFloats(new float[] {preprocessing.divisor()});
        out.putByte(preprocessing.isStandardized() ? 1 : 0);
        if (preprocessing.isStandardized()) {
            out.putInt(model.inputs());
            out.putFloats(preprocessing.mean());
            out.putFloats(preprocessing.scale());
        }
        out.putInt(model.layers().size());
        for (LayerParameters layer : model.layers()) {
            out.putInt(layer.inputs());
            out.putInt(layer.outputs());
            out.putString(activationName(layer.activation()));
            out.putByte(layer.hasBiases() ? 1 : 0);
            out.putFloats(layer.weights());
            if (layer.hasBiases()) {
                out.putFloats(layer.biases());
            }
        }
    }

    /** Where {@link #writePayload} writes: a byte count first, then the buffer of exactly that size. */
    private abstract static class Sink {
        abstract void putInt(int value);

        abstract void putByte(int value);

        abstract void putBytes(byte[] bytes);

        abstract void putFloats(float[] values);

        final void putString(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            putInt(utf8.length);
            putBytes(utf8);
        }

        static final class Counter extends Sink {
            long bytes;

            @Override
            void putInt(int value) {
                bytes += 4;
            }

            @Override
            void putByte(int value) {
                bytes += 1;
            }

            @Override
            void putBytes(byte[] b) {
                bytes += b.length;
            }

            @Override
            void putFloats(float[] values) {
                bytes += 4L * values.length;
            }
        }

        static final class Writer extends Sink {
            private final ByteBuffer out;

            Writer(ByteBuffer out) {
                this.out = out;
            }

            @Override
            void putInt(int value) {
                out.putInt(value);
            }

            @Override
            void putByte(int value) {
                out.put((byte) value);
            }

            @Override
            void putBytes(byte[] b) {
                out.put(b);
            }

            @Override
            void putFloats(float[] values) {
                out.asFloatBuffer().put(values);
                out.position(out.position() + 4 * values.length);
            }
        }
    }

    /** Parses a whole file already in memory; {@code file} only names it in messages. */
    static ModelParameters decode(byte[] bytes, Path file) throws ModelFileException {
        FileFrame.Payload payload = FRAME.open(bytes, file);
        try {
            return readPayload(payload.in(), file, payload.version());
        } catch (BufferUnderflowException e) {
            throw new ModelFileException(file, "corrupt: the payload ends in the middle of a field", e);
        }
    }

    private static ModelParameters readPayload(ByteBuffer in, Path file, int version) throws ModelFileException {
        int entries = count(in, file, "metadata entry count", 8);
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < entries; i++) {
            String key = getString(in, file, "metadata key " + i);
            String value = getString(in, file, "metadata value of '" + key + "'");
            if (metadata.put(key, value) != null) {
                throw new ModelFileException(file, "corrupt: metadata key '" + key + "' appears twice");
            }
        }
        if (version == 1) {
            return new ModelParameters(readLayers(in, file), metadata);
        }
        ClassLabels labels = readClassLabels(in, file);
        int names = count(in, file, "feature name count", 4);
        List<String> featureNames = new ArrayList<>(names);
        for (int i = 0; i < names; i++) {
            featureNames.add(getString(in, file, "feature name " + i));
        }
        float divisor = in.getFloat();
        if (!(Float.isFinite(divisor) && divisor != 0)) {
            throw new ModelFileException(file, "corrupt: divisor " + divisor + " is not finite and non-zero");
        }
        Preprocessing preprocessing = Preprocessing.divisor(divisor);
        byte standardized = in.get();
        if (standardized == 1) {
            int features = count(in, file, "standardized feature count", 8);
            float[] mean = getFloats(in, features);
            float[] scale = getFloats(in, features);
            try {
                preprocessing = Preprocessing.standardized(divisor, mean, scale);
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(file, "corrupt: " + e.getMessage(), e);
            }
        } else if (standardized != 0) {
            throw new ModelFileException(file, "corrupt: standardized flag is " + standardized + ", expected 0 or 1");
        }
        List<LayerParameters> layers = readLayers(in, file);
        try {
            return new ModelParameters(layers, labels, featureNames, preprocessing, metadata);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "corrupt: " + e.getMessage(), e);
        }
    }

    private static ClassLabels readClassLabels(ByteBuffer in, Path file) throws ModelFileException {
        byte task = in.get();
        if (task == TASK_REGRESSION) {
            return null;
        }
        if (task != TASK_CLASSIFICATION) {
            throw new ModelFileException(file, "corrupt: task " + task + " is neither " + TASK_CLASSIFICATION
                    + " (classification) nor " + TASK_REGRESSION + " (regression)");
        }
        byte kind = in.get();
        if (kind != LABELS_INTEGER && kind != LABELS_STRING) {
            throw new ModelFileException(file, "corrupt: label kind " + kind + " is neither " + LABELS_INTEGER
                    + " (integers) nor " + LABELS_STRING + " (strings)");
        }
        int classes = count(in, file, "class count", 4);
        List<String> labels = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            labels.add(getString(in, file, "class label " + i));
        }
        try {
            return ClassLabels.of(kind == LABELS_INTEGER ? ClassLabels.Kind.INTEGER : ClassLabels.Kind.STRING, labels);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "corrupt: " + e.getMessage(), e);
        }
    }

    private static List<LayerParameters> readLayers(ByteBuffer in, Path file) throws ModelFileException {
        int layerCount = count(in, file, "layer count", 13);
        if (layerCount == 0) {
            throw new ModelFileException(file, "corrupt: the model has no layers");
        }
        List<LayerParameters> layers = new ArrayList<>(layerCount);
        for (int l = 0; l < layerCount; l++) {
            int inputs = in.getInt();
            int outputs = in.getInt();
            if (inputs <= 0 || outputs <= 0) {
                throw new ModelFileException(file, "corrupt: layer " + l + " is " + inputs + "x" + outputs
                        + ", sizes must be positive");
            }
            String name = getString(in, file, "activation of layer " + l);
            Activation activation = activation(name, file, l);
            byte flag = in.get();
            if (flag != 0 && flag != 1) {
                throw new ModelFileException(file, "corrupt: layer " + l + " has-biases flag is " + flag
                        + ", expected 0 or 1");
            }
            long weightBytes = 4L * inputs * outputs;
            long biasBytes = flag == 1 ? 4L * outputs : 0;
            if (weightBytes + biasBytes > in.remaining()) {
                throw new ModelFileException(file, "corrupt: layer " + l + " (" + inputs + "x" + outputs + ") needs "
                        + (weightBytes + biasBytes) + " bytes of parameters, only " + in.remaining() + " remain");
            }
            float[] weights = getFloats(in, inputs * outputs);
            float[] biases = flag == 1 ? getFloats(in, outputs) : null;
            if (l > 0 && layers.get(l - 1).outputs() != inputs) {
                throw new ModelFileException(file, "corrupt: layer " + l + " takes " + inputs + " inputs but layer "
                        + (l - 1) + " gives " + layers.get(l - 1).outputs());
            }
            LayerParameters layer = new LayerParameters(inputs, outputs, activation, weights, biases);
            String problem = nonFinite(layer, l);
            if (problem != null) {
                throw new ModelFileException(file, problem);
            }
            layers.add(layer);
        }
        if (in.hasRemaining()) {
            throw new ModelFileException(file, "corrupt: " + in.remaining() + " bytes after the last layer");
        }
        return layers;
    }

    /** A count read from the file, checked against the bytes left, each item taking at least {@code minBytes}. */
    static int count(ByteBuffer in, Path file, String what, int minBytes) throws ModelFileException {
        int n = in.getInt();
        if (n < 0 || (long) n * minBytes > in.remaining()) {
            throw new ModelFileException(file, "corrupt: " + what + " " + n + " is impossible with " + in.remaining()
                    + " bytes left");
        }
        return n;
    }

    static String activationName(Activation activation) {
        return activation.name().toLowerCase(Locale.ROOT);
    }

    private static Activation activation(String name, Path file, int layer) throws ModelFileException {
        List<String> known = new ArrayList<>();
        for (Activation a : Activation.values()) {
            if (activationName(a).equals(name)) {
                return a;
            }
            known.add(activationName(a));
        }
        throw new ModelFileException(file, "layer " + layer + " has unknown activation '" + name
                + "'; this fastnn knows " + String.join(", ", known));
    }

    static String getString(ByteBuffer in, Path file, String what) throws ModelFileException {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new ModelFileException(file, "corrupt: " + what + " has length " + length + ", only "
                    + in.remaining() + " bytes left");
        }
        ByteBuffer utf8 = in.slice().limit(length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(utf8).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFileException(file, "corrupt: " + what + " is not valid UTF-8", e);
        }
    }

    static float[] getFloats(ByteBuffer in, int n) {
        float[] values = new float[n];
        in.asFloatBuffer().get(values);
        in.position(in.position() + 4 * n);
        return values;
    }
}
