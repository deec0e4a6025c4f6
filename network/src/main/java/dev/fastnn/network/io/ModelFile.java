package dev.fastnn.network.io;

import dev.fastnn.kernels.Activation;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * fastnn's model files ({@code .fnn}): a versioned binary format with a CRC-32 over every byte, described
 * byte by byte in {@code docs/model-format.md}. Floats are stored as their IEEE 754 bits, so a loaded model
 * is bit-identical to the saved one and gives identical predictions on the same backend.
 *
 * <p>{@link #save} writes a temporary file next to the target, forces it to disk and renames it over the
 * target, so a crash or a full disk leaves either the old file or the new one, never half of one.
 * {@link #load} checks the magic, the version, the length and the checksum before it trusts a single size,
 * and checks every size against the bytes that are really there before allocating for it.
 */
public final class ModelFile {
    /** The version {@link #save} writes; {@link #load} reads this one (and must keep reading it). */
    public static final int FORMAT_VERSION = 1;
    /** {@code \x89 F N N \r \n \x1a \n}: not text, and damaged recognisably by text-mode transfers (as PNG's). */
    static final byte[] MAGIC = {(byte) 0x89, 'F', 'N', 'N', '\r', '\n', 0x1A, '\n'};
    /** Magic, version and payload length. */
    static final int HEADER_BYTES = MAGIC.length + 4 + 8;
    static final int CHECKSUM_BYTES = 4;
    /** A file is read into one array. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    private ModelFile() {
    }

    /** Writes {@code model} to {@code file} atomically ({@link AtomicFile}), replacing what was there. */
    public static void save(ModelParameters model, Path file) throws IOException {
        Objects.requireNonNull(model, "model");
        AtomicFile.write(file, encode(model));
    }

    /** Reads a model saved by {@link #save} (any supported version). */
    public static ModelParameters load(Path file) throws IOException {
        // One channel for size, header and body: a concurrent save renames a new file over the path, and an
        // open channel keeps reading the file it opened, so all three describe the same file.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            while (header.hasRemaining() && channel.read(header) >= 0) {
                // read until the header is complete or the file ends
            }
            checkHeader(file, header.array(), header.position(), size);
            ByteBuffer bytes = ByteBuffer.allocate((int) size);
            bytes.put(header.flip());
            while (bytes.hasRemaining()) {
                if (channel.read(bytes) < 0) {
                    throw new ModelFileException(file, "truncated while being read: " + bytes.position() + " of "
                            + size + " bytes");
                }
            }
            return decode(bytes.array(), file);
        }
    }

    private static void checkHeader(Path file, byte[] header, int read, long size) throws ModelFileException {
        int magicRead = Math.min(read, MAGIC.length);
        if (!Arrays.equals(header, 0, magicRead, MAGIC, 0, magicRead)) {
            throw new ModelFileException(file, "not a fastnn model file: it starts with " + hex(header, magicRead)
                    + ", a model file with " + hex(MAGIC, MAGIC.length));
        }
        if (read < MAGIC.length + 4) {
            throw new ModelFileException(file, "truncated: " + size + " bytes, a model file has at least "
                    + (HEADER_BYTES + CHECKSUM_BYTES));
        }
        ByteBuffer in = ByteBuffer.wrap(header, MAGIC.length, read - MAGIC.length);
        int version = in.getInt();
        if (version != FORMAT_VERSION) {
            throw new ModelFileException(file, "unsupported format version " + Integer.toUnsignedLong(version)
                    + "; this fastnn reads version " + FORMAT_VERSION
                    + (version > FORMAT_VERSION ? " (the file was written by a newer fastnn)" : ""));
        }
        if (read < HEADER_BYTES) {
            throw new ModelFileException(file, "truncated: " + size + " bytes, a model file has at least "
                    + (HEADER_BYTES + CHECKSUM_BYTES));
        }
        long payload = in.getLong();
        if (payload < 0 || payload > MAX_FILE_BYTES - HEADER_BYTES - CHECKSUM_BYTES) {
            throw new ModelFileException(file, "corrupt header: payload length " + payload + " is impossible");
        }
        long expected = HEADER_BYTES + payload + CHECKSUM_BYTES;
        if (size < expected) {
            throw new ModelFileException(file, "truncated: " + size + " bytes, the header says " + expected);
        }
        if (size > expected) {
            throw new ModelFileException(file, size + " bytes, the header says " + expected + " ("
                    + (size - expected) + " bytes of trailing data)");
        }
    }

    /** The whole file, checksum included. */
    static byte[] encode(ModelParameters model) {
        Map<String, String> metadata = new TreeMap<>(model.metadata());
        List<byte[]> strings = new ArrayList<>();
        long payload = 4;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = e.getValue().getBytes(StandardCharsets.UTF_8);
            strings.add(key);
            strings.add(value);
            payload += 8L + key.length + value.length;
        }
        payload += 4;
        for (LayerParameters layer : model.layers()) {
            byte[] activation = activationName(layer.activation()).getBytes(StandardCharsets.UTF_8);
            strings.add(activation);
            payload += 4 + 4 + 4 + activation.length + 1 + 4L * layer.weights().length
                    + (layer.hasBiases() ? 4L * layer.biases().length : 0);
        }
        long total = HEADER_BYTES + payload + CHECKSUM_BYTES;
        if (total > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("model needs " + total + " bytes, more than a model file holds ("
                    + MAX_FILE_BYTES + ")");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total);
        out.put(MAGIC).putInt(FORMAT_VERSION).putLong(payload);
        int s = 0;
        out.putInt(metadata.size());
        for (int i = 0; i < metadata.size(); i++) {
            putString(out, strings.get(s++));
            putString(out, strings.get(s++));
        }
        out.putInt(model.layers().size());
        for (LayerParameters layer : model.layers()) {
            out.putInt(layer.inputs()).putInt(layer.outputs());
            putString(out, strings.get(s++));
            out.put((byte) (layer.hasBiases() ? 1 : 0));
            putFloats(out, layer.weights());
            if (layer.hasBiases()) {
                putFloats(out, layer.biases());
            }
        }
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        if (out.hasRemaining()) {
            throw new IllegalStateException("model file size computed as " + total + " but " + out.position()
                    + " bytes were written");
        }
        return out.array();
    }

    /** Parses a whole file already in memory; {@code file} only names it in messages. */
    static ModelParameters decode(byte[] bytes, Path file) throws ModelFileException {
        checkHeader(file, bytes, Math.min(bytes.length, HEADER_BYTES), bytes.length);
        int end = bytes.length - CHECKSUM_BYTES;
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, end);
        int stored = ByteBuffer.wrap(bytes, end, CHECKSUM_BYTES).getInt();
        if (stored != (int) crc.getValue()) {
            throw new ModelFileException(file, String.format("checksum mismatch: stored CRC-32 0x%08x, computed 0x%08x;"
                    + " the file is corrupt", stored, (int) crc.getValue()));
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, HEADER_BYTES, end - HEADER_BYTES);
        try {
            return readPayload(in, file);
        } catch (BufferUnderflowException e) {
            throw new ModelFileException(file, "corrupt: the payload ends in the middle of a field", e);
        }
    }

    private static ModelParameters readPayload(ByteBuffer in, Path file) throws ModelFileException {
        int entries = count(in, file, "metadata entry count", 8);
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < entries; i++) {
            String key = getString(in, file, "metadata key " + i);
            String value = getString(in, file, "metadata value of '" + key + "'");
            if (metadata.put(key, value) != null) {
                throw new ModelFileException(file, "corrupt: metadata key '" + key + "' appears twice");
            }
        }
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
            layers.add(new LayerParameters(inputs, outputs, activation, weights, biases));
        }
        if (in.hasRemaining()) {
            throw new ModelFileException(file, "corrupt: " + in.remaining() + " bytes after the last layer");
        }
        return new ModelParameters(layers, metadata);
    }

    /** A count read from the file, checked against the bytes left, each item taking at least {@code minBytes}. */
    private static int count(ByteBuffer in, Path file, String what, int minBytes) throws ModelFileException {
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

    private static void putString(ByteBuffer out, byte[] utf8) {
        out.putInt(utf8.length).put(utf8);
    }

    private static String getString(ByteBuffer in, Path file, String what) throws ModelFileException {
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

    private static void putFloats(ByteBuffer out, float[] values) {
        out.asFloatBuffer().put(values);
        out.position(out.position() + 4 * values.length);
    }

    private static float[] getFloats(ByteBuffer in, int n) {
        float[] values = new float[n];
        in.asFloatBuffer().get(values);
        in.position(in.position() + 4 * n);
        return values;
    }

    private static String hex(byte[] bytes, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i]));
        }
        return n == 0 ? "nothing (empty file)" : s.toString();
    }
}
