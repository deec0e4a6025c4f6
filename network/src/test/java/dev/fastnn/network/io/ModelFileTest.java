package dev.fastnn.network.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Activation;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.network.model.Task;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    @TempDir
    Path dir;

    /** Layers of awkward sizes, one without biases, floats whose bits a text format would lose. */
    static ModelParameters sampleModel(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] sizes = {17, 3, 1, 5};
        Activation[] activations = {Activation.RELU, Activation.TANH, Activation.SOFTMAX};
        List<LayerParameters> layers = new ArrayList<>();
        for (int l = 0; l < 3; l++) {
            float[] w = new float[sizes[l] * sizes[l + 1]];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextGaussian();
            }
            w[0] = -0.0f;
            w[w.length - 1] = Float.MIN_VALUE;
            float[] b = null;
            if (l != 1) {
                b = new float[sizes[l + 1]];
                for (int i = 0; i < b.length; i++) {
                    b[i] = Math.nextUp((float) random.nextDouble());
                }
            }
            layers.add(new LayerParameters(sizes[l], sizes[l + 1], activations[l], w, b));
        }
        return new ModelParameters(layers, Map.of("loss", "cross-entropy", "seed", Long.toString(seed),
                "note", "naïve 日本 ✓", "", "empty key"));
    }

    /** {@link #sampleModel} with everything version 2 adds: string labels, feature names, divisor and standardization. */
    static ModelParameters describedModel(long seed) {
        ModelParameters m = sampleModel(seed);
        float[] mean = new float[17];
        float[] scale = new float[17];
        List<String> names = new ArrayList<>();
        for (int k = 0; k < 17; k++) {
            mean[k] = k * 0.25f - 1f;
            scale[k] = k == 3 ? 1f : 1f / (k + 1);
            names.add(k == 0 ? "" : "feature, \"" + k + "\" é");
        }
        return m.withClassLabels(ClassLabels.ofStrings("benign", "malignant", "unsure ✓", "", "a,b"))
                .withFeatureNames(names).withPreprocessing(Preprocessing.standardized(16f, mean, scale));
    }

    static void assertBitIdentical(ModelParameters expected, ModelParameters actual) {
        assertEquals(expected.metadata(), actual.metadata());
        assertEquals(expected.classLabels(), actual.classLabels());
        assertEquals(expected.task(), actual.task());
        assertEquals(expected.featureNames(), actual.featureNames());
        assertEquals(expected.preprocessing(), actual.preprocessing(), "preprocessing, bit for bit");
        assertEquals(expected.layers().size(), actual.layers().size());
        for (int l = 0; l < expected.layers().size(); l++) {
            LayerParameters e = expected.layers().get(l);
            LayerParameters a = actual.layers().get(l);
            assertEquals(e.inputs(), a.inputs(), "inputs of layer " + l);
            assertEquals(e.outputs(), a.outputs(), "outputs of layer " + l);
            assertEquals(e.activation(), a.activation(), "activation of layer " + l);
            assertArrayEquals(bits(e.weights()), bits(a.weights()), "weight bits of layer " + l);
            if (e.hasBiases()) {
                assertArrayEquals(bits(e.biases()), bits(a.biases()), "bias bits of layer " + l);
            } else {
                assertNull(a.biases(), "layer " + l + " has no biases");
            }
        }
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Test
    void roundTripIsBitIdentical() throws IOException {
        ModelParameters model = sampleModel(7);
        Path file = dir.resolve("m.fnn");

        ModelFile.save(model, file);

        assertBitIdentical(model, ModelFile.load(file));
    }

    @Test
    void labelsFeatureNamesAndPreprocessingRoundTripExactly() throws IOException {
        Path file = dir.resolve("described.fnn");
        ModelParameters strings = describedModel(8);
        ModelParameters integers = strings.withClassLabels(ClassLabels.ofIntegers(1, 2, -7, 10, Long.MAX_VALUE))
                .withFeatureNames(List.of()).withPreprocessing(Preprocessing.divisor(255f));

        ModelFile.save(strings, file);
        assertBitIdentical(strings, ModelFile.load(file));
        ModelFile.save(integers, file);
        ModelParameters loaded = ModelFile.load(file);
        assertBitIdentical(integers, loaded);
        assertEquals(ClassLabels.Kind.INTEGER, loaded.classLabels().kind());
        assertEquals(Long.MAX_VALUE, loaded.classLabels().integer(4));
        assertEquals(255f, loaded.preprocessing().divisor());
        assertFalse(loaded.preprocessing().isStandardized());
    }

    @Test
    void regressionModelHasNoClassLabelsAndSaysSo() throws IOException {
        Path file = dir.resolve("regression.fnn");
        ModelParameters softmax = sampleModel(9);
        assertEquals(Task.CLASSIFICATION, softmax.task(), "a softmax output without labels is a classifier");
        ModelParameters regression = softmax.withClassLabels(null).withFeatureNames(
                java.util.Collections.nCopies(17, "x"));

        ModelFile.save(regression, file);
        ModelParameters loaded = ModelFile.load(file);

        assertEquals(Task.REGRESSION, loaded.task());
        assertNull(loaded.classLabels());
        assertBitIdentical(regression, loaded);
    }

    @Test
    void nonFiniteWeightsAreNeitherSavedNorLoaded() throws IOException {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            ModelParameters good = sampleModel(4);
            List<LayerParameters> layers = new ArrayList<>(good.layers());
            LayerParameters first = layers.get(0);
            float[] w = first.weights().clone();
            w[4] = bad;
            layers.set(0, new LayerParameters(first.inputs(), first.outputs(), first.activation(), w, first.biases()));
            ModelParameters broken = good.withLayers(layers);
            Path file = dir.resolve("bad.fnn");

            IllegalArgumentException saved = assertThrows(IllegalArgumentException.class,
                    () -> ModelFile.save(broken, file));
            assertMessage(saved, "layer 0 weight 4", "(row 1, column 1)", String.valueOf(bad), "finite");
            assertFalse(Files.exists(file), "nothing written");

            // A file another program wrote: valid checksum, NaN inside. Every version is checked.
            for (int version : new int[] {1, 2}) {
                Path written = withValidChecksum("nan" + version + ".fnn", version, payload(out -> {
                    out.writeInt(0);
                    if (version == 2) {
                        out.writeByte(1);
                        out.writeInt(0);
                        out.writeFloat(1f);
                        out.writeByte(0);
                    }
                    out.writeInt(1);
                    layerHeader(out, 2, 1, "identity", 1);
                    out.writeFloat(0.5f);
                    out.writeFloat(-0.5f);
                    out.writeFloat(bad);
                }));
                assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(written)),
                        written.toString(), "layer 0 bias 0 is " + bad, "finite");
            }
        }
    }

    @Test
    void corruptVersion2DescriptionsAreRejectedNamingTheField() throws IOException {
        Path task = version2("task.fnn", out -> out.writeByte(7));
        Path kind = version2("kind.fnn", out -> {
            out.writeByte(0);
            out.writeByte(5);
        });
        Path duplicate = version2("dup.fnn", out -> {
            out.writeByte(0);
            out.writeByte(1);
            out.writeInt(2);
            writeString(out, "cat");
            writeString(out, "cat");
        });
        Path notInteger = version2("int.fnn", out -> {
            out.writeByte(0);
            out.writeByte(0);
            out.writeInt(2);
            writeString(out, "1");
            writeString(out, "02");
        });
        Path labelCount = version2("count.fnn", out -> {
            out.writeByte(0);
            out.writeByte(0);
            out.writeInt(3);
            for (String label : new String[] {"0", "1", "2"}) {
                writeString(out, label);
            }
            out.writeInt(0);
            out.writeFloat(1f);
            out.writeByte(0);
            oneLayer(out, 2, 2);
        });
        Path divisor = version2("divisor.fnn", out -> {
            out.writeByte(1);
            out.writeInt(0);
            out.writeFloat(0f);
        });
        Path scale = version2("scale.fnn", out -> {
            out.writeByte(1);
            out.writeInt(0);
            out.writeFloat(1f);
            out.writeByte(1);
            out.writeInt(2);
            out.writeFloat(0f);
            out.writeFloat(0f);
            out.writeFloat(1f);
            out.writeFloat(Float.NaN);
            oneLayer(out, 2, 1);
        });
        Path names = version2("names.fnn", out -> {
            out.writeByte(1);
            out.writeInt(1);
            writeString(out, "only one");
            out.writeFloat(1f);
            out.writeByte(0);
            oneLayer(out, 2, 1);
        });

        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(task)), "task 7");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(kind)), "label kind 5");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(duplicate)), "'cat' is given twice");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(notInteger)), "'02'", "canonical");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(labelCount)),
                "3 class labels for a model with 2 outputs");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(divisor)), "divisor 0.0");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(scale)), "feature 1", "NaN");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(names)),
                "1 feature names for a model with 2 inputs");
    }

    private Path version2(String name, PayloadWriter description) throws IOException {
        return withValidChecksum(name, 2, payload(out -> {
            out.writeInt(0);
            description.write(out);
        }));
    }

    private static void oneLayer(DataOutputStream out, int inputs, int outputs) throws IOException {
        out.writeInt(1);
        layerHeader(out, inputs, outputs, "identity", 0);
        for (int i = 0; i < inputs * outputs; i++) {
            out.writeFloat(i);
        }
    }

    @Test
    void savedBytesFollowTheDocumentedLayout() throws IOException {
        ModelParameters model = describedModel(3);
        Path file = dir.resolve("m.fnn");
        ModelFile.save(model, file);
        byte[] bytes = Files.readAllBytes(file);

        // Read with nothing but docs/model-format.md in mind: DataInputStream is big-endian throughout.
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        byte[] magic = new byte[8];
        in.readFully(magic);
        assertArrayEquals(new byte[] {(byte) 0x89, 0x46, 0x4E, 0x4E, 0x0D, 0x0A, 0x1A, 0x0A}, magic);
        assertEquals(2, in.readInt(), "format version");
        long payload = in.readLong();
        assertEquals(bytes.length - 24, payload, "payload length");
        int entries = in.readInt();
        assertEquals(4, entries);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            String key = readString(in);
            keys.add(key);
            assertEquals(model.metadata().get(key), readString(in));
        }
        assertEquals(List.of("", "loss", "note", "seed"), keys, "keys sorted");
        assertEquals(0, in.readUnsignedByte(), "task: classification");
        assertEquals(1, in.readUnsignedByte(), "label kind: strings");
        assertEquals(5, in.readInt(), "class count");
        for (String label : model.classLabels().values()) {
            assertEquals(label, readString(in));
        }
        assertEquals(17, in.readInt(), "feature name count");
        for (String name : model.featureNames()) {
            assertEquals(name, readString(in));
        }
        assertEquals(16f, in.readFloat(), "divisor");
        assertEquals(1, in.readUnsignedByte(), "standardized");
        assertEquals(17, in.readInt(), "standardized features");
        for (float m : model.preprocessing().mean()) {
            assertEquals(Float.floatToRawIntBits(m), in.readInt());
        }
        for (float f : model.preprocessing().scale()) {
            assertEquals(Float.floatToRawIntBits(f), in.readInt());
        }
        assertEquals(3, in.readInt(), "layer count");
        for (LayerParameters layer : model.layers()) {
            assertEquals(layer.inputs(), in.readInt());
            assertEquals(layer.outputs(), in.readInt());
            assertEquals(layer.activation().name().toLowerCase(java.util.Locale.ROOT), readString(in));
            assertEquals(layer.hasBiases() ? 1 : 0, in.readUnsignedByte());
            for (float w : layer.weights()) {
                assertEquals(Float.floatToRawIntBits(w), in.readInt());
            }
            if (layer.hasBiases()) {
                for (float b : layer.biases()) {
                    assertEquals(Float.floatToRawIntBits(b), in.readInt());
                }
            }
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        assertEquals((int) crc.getValue(), in.readInt(), "CRC-32 of everything before it");
        assertEquals(-1, in.read(), "nothing after the checksum");
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] utf8 = new byte[in.readInt()];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    @Test
    void sameModelGivesSameBytes() {
        assertArrayEquals(ModelFile.encode(sampleModel(11)), ModelFile.encode(sampleModel(11)));
    }

    @Test
    void everyCorruptedPayloadByteIsACaughtChecksumMismatch() throws IOException {
        byte[] good = ModelFile.encode(sampleModel(5));
        Path file = dir.resolve("bad.fnn");
        for (int at = FileFrame.HEADER_BYTES; at < good.length; at++) {
            byte[] bad = good.clone();
            bad[at] ^= (byte) (1 << (at % 8));
            Files.write(file, bad);
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file), "byte " + at);
            assertMessage(e, file.toString(), "checksum mismatch");
        }
    }

    @Test
    void truncatedFilesSayTruncated() throws IOException {
        byte[] good = ModelFile.encode(sampleModel(5));
        Path file = dir.resolve("cut.fnn");
        for (int length : new int[] {0, 1, 8, 11, 12, 19, 20, 24, good.length / 2, good.length - 1}) {
            Files.write(file, java.util.Arrays.copyOf(good, length));
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file),
                    "length " + length);
            assertMessage(e, file.toString(), "truncated", length + " bytes");
        }
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        byte[] good = ModelFile.encode(sampleModel(5));
        Path file = Files.write(dir.resolve("long.fnn"), java.util.Arrays.copyOf(good, good.length + 3));

        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(file)), file.toString(),
                "3 bytes of trailing data");
    }

    @Test
    void wrongMagicSaysItIsNotAModelFile() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello, this is a text file\n");
        byte[] good = ModelFile.encode(sampleModel(5));
        good[1] = 'X';
        Path damaged = Files.write(dir.resolve("x.fnn"), good);

        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(text)), text.toString(),
                "not a fastnn model file", "68 65 6c 6c", "89 46 4e 4e 0d 0a 1a 0a");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(damaged)), damaged.toString(),
                "not a fastnn model file");
    }

    @Test
    void unknownVersionIsRejectedBeforeAnythingElseIsRead() throws IOException {
        for (int version : new int[] {0, 3, -1}) {
            byte[] bytes = ModelFile.encode(sampleModel(5));
            bytes[8] = (byte) (version >>> 24);
            bytes[9] = (byte) (version >>> 16);
            bytes[10] = (byte) (version >>> 8);
            bytes[11] = (byte) version;
            Path file = Files.write(dir.resolve("v" + version + ".fnn"), bytes);
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
            assertMessage(e, file.toString(), "unsupported format version " + Integer.toUnsignedLong(version),
                    "reads versions 1 to 2");
        }
    }

    /** A version 1 file with a valid header and checksum around {@code payload}. */
    private Path withValidChecksum(String name, byte[] payload) throws IOException {
        return withValidChecksum(name, 1, payload);
    }

    /** A file with a valid header and checksum around {@code payload}, built after the documented layout. */
    private Path withValidChecksum(String name, int version, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'F', 'N', 'N', '\r', '\n', 0x1A, '\n'});
        out.writeInt(version);
        out.writeLong(payload.length);
        out.write(payload);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        return Files.write(dir.resolve(name), bytes.toByteArray());
    }

    private interface PayloadWriter {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] payload(PayloadWriter writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        writer.write(out);
        return bytes.toByteArray();
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static void layerHeader(DataOutputStream out, int inputs, int outputs, String activation, int biases)
            throws IOException {
        out.writeInt(inputs);
        out.writeInt(outputs);
        writeString(out, activation);
        out.writeByte(biases);
    }

    @Test
    void impossibleSizesBehindAValidChecksumAreRejectedBeforeAllocating() throws IOException {
        Path huge = withValidChecksum("huge.fnn", payload(out -> {
            out.writeInt(0);
            out.writeInt(1);
            layerHeader(out, 1_000_000, 1_000_000, "sigmoid", 0);
            out.writeFloat(1f);
        }));
        Path negativeLayer = withValidChecksum("neg.fnn", payload(out -> {
            out.writeInt(0);
            out.writeInt(1);
            layerHeader(out, -3, 2, "sigmoid", 0);
        }));
        Path manyLayers = withValidChecksum("many.fnn", payload(out -> {
            out.writeInt(0);
            out.writeInt(Integer.MAX_VALUE);
        }));
        Path negativeCount = withValidChecksum("negcount.fnn", payload(out -> out.writeInt(-1)));
        Path longString = withValidChecksum("string.fnn", payload(out -> {
            out.writeInt(1);
            out.writeInt(1 << 30);
            out.writeLong(0);
        }));

        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(huge)), huge.toString(),
                "layer 0 (1000000x1000000) needs 4000000000000 bytes", "only 4 remain");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(negativeLayer)),
                negativeLayer.toString(), "layer 0 is -3x2");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(manyLayers)), manyLayers.toString(),
                "layer count " + Integer.MAX_VALUE + " is impossible");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(negativeCount)),
                negativeCount.toString(), "metadata entry count -1 is impossible");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(longString)), longString.toString(),
                "metadata key 0 has length " + (1 << 30), "only 8 bytes left");
    }

    @Test
    void unknownActivationBadFlagAndBrokenChainAreRejected() throws IOException {
        Path swish = withValidChecksum("swish.fnn", payload(out -> {
            out.writeInt(0);
            out.writeInt(1);
            layerHeader(out, 1, 1, "swish", 0);
            out.writeFloat(1f);
        }));
        Path flag = withValidChecksum("flag.fnn", payload(out -> {
            out.writeInt(0);
            out.writeInt(1);
            layerHeader(out, 1, 1, "relu", 2);
            out.writeFloat(1f);
        }));
        Path chain = withValidChecksum("chain.fnn", payload(out -> {
            out.writeInt(0);
            out.writeInt(2);
            layerHeader(out, 1, 2, "relu", 0);
            out.writeFloat(1f);
            out.writeFloat(2f);
            layerHeader(out, 3, 1, "identity", 0);
            out.writeFloat(1f);
            out.writeFloat(2f);
            out.writeFloat(3f);
        }));
        Path empty = withValidChecksum("empty.fnn", payload(out -> {
            out.writeInt(0);
            out.writeInt(0);
        }));

        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(swish)), swish.toString(),
                "layer 0 has unknown activation 'swish'", "identity, sigmoid, tanh, relu, softmax");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(flag)), flag.toString(),
                "has-biases flag is 2");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(chain)), chain.toString(),
                "layer 1 takes 3 inputs but layer 0 gives 2");
        assertMessage(assertThrows(ModelFileException.class, () -> ModelFile.load(empty)), empty.toString(),
                "no layers");
    }

    @Test
    void saveReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("m.fnn");
        ModelFile.save(sampleModel(1), file);
        ModelFile.save(sampleModel(2), file);

        assertBitIdentical(sampleModel(2), ModelFile.load(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void saveOntoADirectoryFailsAndLeavesItAlone() throws IOException {
        Path target = Files.createDirectory(dir.resolve("model.fnn"));

        assertThrows(IOException.class, () -> ModelFile.save(sampleModel(1), target));

        assertTrue(Files.isDirectory(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
    }

    @Test
    void readersDuringRepeatedSavesSeeAWholeOldOrNewModelNeverAPartialOne() throws Exception {
        // With a plain overwrite a reader here would see truncated files; the rename makes each save all-or-nothing.
        Path file = dir.resolve("m.fnn");
        // Seeds of different lengths give files of different sizes.
        ModelParameters[] models = {sampleModel(1), sampleModel(10)};
        ModelFile.save(models[0], file);
        AtomicBoolean done = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < 200; i++) {
                    ModelFile.save(models[i % 2], file);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                done.set(true);
            }
        });
        writer.start();
        int loads = 0;
        while (!done.get() || loads == 0) {
            ModelParameters loaded = ModelFile.load(file);
            String seed = loaded.metadata().get("seed");
            assertBitIdentical(models[seed.equals("1") ? 0 : 1], loaded);
            loads++;
        }
        writer.join();
        assertFalse(writer.isAlive());
    }

    static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }
}
