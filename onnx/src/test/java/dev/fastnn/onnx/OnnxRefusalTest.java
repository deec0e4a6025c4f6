package dev.fastnn.onnx;

import static dev.fastnn.onnx.Graphs.attribute;
import static dev.fastnn.onnx.Graphs.node;
import static dev.fastnn.onnx.Graphs.value;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.fastnn.kernels.Activation;
import dev.fastnn.network.io.ModelFileException;
import dev.fastnn.network.model.ModelParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every graph fastnn cannot import is refused with one line that names the file and what is wrong. */
class OnnxRefusalTest {
    @TempDir
    Path dir;

    /** A valid PyTorch-style MLP ({@code x [N, 4] -> Gemm -> Relu -> Gemm -> out}) to break in one place. */
    private static GraphProto.Builder mlp() {
        SplittableRandom random = new SplittableRandom(21);
        return GraphProto.newBuilder()
                .addInput(value("x", DataType.FLOAT, -1, 4))
                .addInitializer(TensorData.floats("fc1.weight", OnnxImportTest.gaussian(random, 12), 3, 4))
                .addInitializer(TensorData.floats("fc1.bias", OnnxImportTest.gaussian(random, 3), 3))
                .addInitializer(TensorData.floats("fc2.weight", OnnxImportTest.gaussian(random, 6), 2, 3))
                .addNode(node("Gemm", "fc1", List.of("x", "fc1.weight", "fc1.bias"), "h", attribute("transB", 1L)))
                .addNode(node("Relu", "relu", List.of("h"), "a"))
                .addNode(node("Gemm", "fc2", List.of("a", "fc2.weight"), "out", attribute("transB", 1L)))
                .addOutput(value("out", DataType.FLOAT, -1, 2));
    }

    private static String refusal(GraphProto.Builder graph) {
        return refusal(Graphs.model(graph, "test", 17));
    }

    private static String refusal(ModelProto onnx) {
        String message = assertThrows(ModelFileException.class,
                () -> OnnxModelFile.fromOnnx(onnx, Path.of("bad.onnx"))).getMessage();
        assertTrue(message.startsWith("bad.onnx: "), message);
        assertFalse(message.contains("\n"), "one line: " + message);
        return message;
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' missing from: " + message);
        }
    }

    /** The graph every other case breaks is a valid one: imported, it computes what ONNX Runtime does with it. */
    @Test
    void theUnbrokenGraphImportsAndPredictsWhatOnnxRuntimeComputes() throws Exception {
        OnnxImportTest.assertImportedMatchesRuntime(Graphs.model(mlp(), "test", 17), "x", "out", 4);
    }

    @Test
    void convolutionIsRefusedNamingEveryUnsupportedOpAndNode() {
        GraphProto.Builder g = mlp();
        g.setNode(1, node("Conv", "conv1", List.of("h", "fc1.weight"), "a"));
        g.addNode(node("MaxPool", "", List.of("out"), "pooled"));
        assertMentions(refusal(g), "unsupported", "Conv in node 'conv1'", "MaxPool in node #3");
    }

    @Test
    void sklearnZipMapIsRefusedWithHowToConvertWithoutIt() {
        GraphProto.Builder g = mlp();
        g.addNode(node("ZipMap", "ZipMap", List.of("out"), "output_probability").toBuilder()
                .setDomain("ai.onnx.ml").build());
        assertMentions(refusal(g), "ZipMap (domain ai.onnx.ml) in node 'ZipMap'", "'zipmap': False");
    }

    @Test
    void nonFiniteParameterIsRefusedNamingIt() {
        GraphProto.Builder g = mlp();
        float[] bias = {0.5f, Float.NaN, 1f};
        g.setInitializer(1, TensorData.floats("fc1.bias", bias, 3));
        assertMentions(refusal(g), "'fc1.bias'", "NaN at index 1", "finite");
    }

    @Test
    void doubleWeightsAreRefused() {
        GraphProto.Builder g = mlp();
        g.setInitializer(0, TensorProto.newBuilder().setName("fc1.weight").setDataType(DataType.DOUBLE.getNumber())
                .addDims(3).addDims(4).addAllDoubleData(java.util.Collections.nCopies(12, 0.5)).build());
        assertMentions(refusal(g), "'fc1.weight'", "DOUBLE", "float32");
    }

    @Test
    void weightComputedByANodeIsRefused() {
        GraphProto.Builder g = mlp();
        g.setNode(2, node("Gemm", "fc2", List.of("a", "computed"), "out", attribute("transB", 1L)));
        g.addNode(node("Relu", "make", List.of("fc2.weight"), "computed"));
        assertMentions(refusal(g), "'fc2'", "'computed'", "'make' (Relu)", "constant");
    }

    @Test
    void missingInitializerIsRefusedNamingIt() {
        GraphProto.Builder g = mlp();
        g.removeInitializer(2);
        assertMentions(refusal(g), "missing initializer", "'fc2'", "'fc2.weight'");
    }

    @Test
    void weightThatDoesNotFitThePreviousLayerIsAShapeMismatch() {
        GraphProto.Builder g = mlp();
        g.setInitializer(2, TensorData.floats("fc2.weight", new float[10], 2, 5));
        assertMentions(refusal(g), "shape mismatch", "'fc2'", "[N, 3]", "[2, 5]");
    }

    @Test
    void inputWidthThatDoesNotFitTheFirstWeightIsAShapeMismatch() {
        GraphProto.Builder g = mlp();
        g.setInput(0, value("x", DataType.FLOAT, -1, 5));
        assertMentions(refusal(g), "shape mismatch", "'fc1'", "[N, 5]");
    }

    @Test
    void biasOfTheWrongLengthIsAShapeMismatch() {
        GraphProto.Builder g = mlp();
        g.setInitializer(1, TensorData.floats("fc1.bias", new float[4], 4));
        assertMentions(refusal(g), "shape mismatch", "'fc1.bias'", "[4]", "3 outputs");
    }

    @Test
    void rawDataShorterThanTheShapeIsRefused() {
        GraphProto.Builder g = mlp();
        TensorProto w = g.getInitializer(0);
        g.setInitializer(0, w.toBuilder().setRawData(w.getRawData().substring(0, 40)).build());
        assertMentions(refusal(g), "'fc1.weight'", "48 bytes", "40");
    }

    /** Every prefix, including those that end exactly between two protobuf fields and so parse. */
    @Test
    void everyTruncationOfAnExportIsRefused() throws Exception {
        ModelParameters model = new ModelParameters(TestModels.layers(4, new int[] {3, 2, 2}, Activation.SIGMOID,
                Activation.SOFTMAX, true), Map.of("seed", "4", "loss", "cross-entropy", "backend", "naive"));
        byte[] bytes = OnnxModelFile.toOnnx(model).toByteArray();
        Path file = Path.of("cut.onnx");
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            String message = assertThrows(ModelFileException.class, () -> OnnxModelFile.decode(cut, file),
                    "cut at " + length + " of " + bytes.length).getMessage();
            assertTrue(message.startsWith(file + ": "), message);
            assertFalse(message.contains("\n"), message);
        }
        OnnxModelFile.decode(bytes, file);
    }

    @Test
    void truncatedEmptyOrForeignFilesAreRefusedNamingTheFile() throws Exception {
        byte[] bytes = OnnxModelFile.toOnnx(new ModelParameters(TestModels.layers(4, new int[] {30, 20, 3},
                Activation.SIGMOID, Activation.SOFTMAX, true), Map.of())).toByteArray();
        Path file = dir.resolve("cut.onnx");
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        assertMentions(assertThrows(ModelFileException.class, () -> OnnxModelFile.load(file)).getMessage(),
                file + ": ", "truncated");
        Files.write(file, new byte[0]);
        assertMentions(assertThrows(ModelFileException.class, () -> OnnxModelFile.load(file)).getMessage(),
                file + ": ", "empty file");
        Files.write(file, "just some text, not a model\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertMentions(assertThrows(ModelFileException.class, () -> OnnxModelFile.load(file)).getMessage(),
                file + ": ", "not");
    }

    /** Random damage anywhere in the file: either still a valid MLP, or one clear refusal, never a crash. */
    @Test
    void damagedFilesAreRefusedWithoutCrashing() throws Exception {
        ModelParameters model = new ModelParameters(TestModels.layers(6, new int[] {3, 2, 2}, Activation.RELU,
                Activation.SOFTMAX, true), Map.of("seed", "6")).withClassLabels(
                dev.fastnn.network.model.ClassLabels.ofStrings("a", "b"));
        byte[] bytes = OnnxModelFile.toOnnx(model).toByteArray();
        SplittableRandom random = new SplittableRandom(6);
        Path file = Path.of("damaged.onnx");
        int refused = 0;
        for (int trial = 0; trial < 3000; trial++) {
            byte[] damaged = bytes.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            try {
                OnnxModelFile.decode(damaged, file);
            } catch (ModelFileException e) {
                assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
                refused++;
            }
        }
        assertTrue(refused > 1000, refused + " of 3000 damaged files refused");
    }

    @Test
    void opsetsOutsideNineToTwentyOneAreRefused() {
        for (int opset : new int[] {8, 22}) {
            assertMentions(refusal(Graphs.model(mlp(), "test", opset)), "opset " + opset, "9 to 21");
        }
    }

    @Test
    void gemmWithTransposedInputIsRefused() {
        GraphProto.Builder g = mlp();
        g.setNode(0, node("Gemm", "fc1", List.of("x", "fc1.weight", "fc1.bias"), "h", attribute("transB", 1L),
                attribute("transA", 1L)));
        assertMentions(refusal(g), "'fc1'", "transA");
    }

    @Test
    void alphaThatIsNotAPowerOfTwoIsRefused() {
        GraphProto.Builder g = mlp();
        g.setNode(0, node("Gemm", "fc1", List.of("x", "fc1.weight", "fc1.bias"), "h", attribute("transB", 1L),
                attribute("alpha", 0.3f)));
        assertMentions(refusal(g), "'fc1'", "alpha = 0.3");
    }

    @Test
    void aValueFeedingTwoNodesIsNotAChain() {
        GraphProto.Builder g = mlp();
        g.addNode(node("Sigmoid", "side", List.of("h"), "s"));
        assertMentions(refusal(g), "'h' feeds 2 nodes", "'relu'", "'side'");
    }

    @Test
    void twoActivationsInARowAreRefused() {
        GraphProto.Builder g = mlp();
        g.setNode(2, node("Tanh", "tanh", List.of("a"), "t"));
        g.addNode(node("Gemm", "fc2", List.of("t", "fc2.weight"), "out", attribute("transB", 1L)));
        assertMentions(refusal(g), "'tanh'", "does not follow a dense layer");
    }

    @Test
    void softmaxOverTheBatchIsRefused() {
        GraphProto.Builder g = mlp();
        g.setNode(1, node("Softmax", "sm", List.of("h"), "a", attribute("axis", 0L)));
        assertMentions(refusal(g), "'sm'", "axis 0");
    }

    @Test
    void doubleInputIsRefused() {
        GraphProto.Builder g = mlp();
        g.setInput(0, value("x", DataType.DOUBLE, -1, 4));
        assertMentions(refusal(g), "'x'", "DOUBLE", "float32");
    }

    @Test
    void weightsInAnExternalFileAreRefused() {
        GraphProto.Builder g = mlp();
        g.setInitializer(0, g.getInitializer(0).toBuilder().clearRawData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL).build());
        assertMentions(refusal(g), "'fc1.weight'", "external");
    }

    @Test
    void aSecondInputIsRefused() {
        GraphProto.Builder g = mlp();
        g.addInput(value("y", DataType.FLOAT, -1, 4));
        assertMentions(refusal(g), "2 inputs", "[x, y]");
    }

    @Test
    void anUnusedNodeIsRefused() {
        GraphProto.Builder g = mlp();
        g.addNode(node("Identity", "stray", List.of("fc1.bias"), "nothing"));
        assertMentions(refusal(g), "'stray'", "not part of the MLP");
    }

    @Test
    void aLaterVersionOfFastnnsMappingIsRefused() {
        ModelProto onnx = OnnxModelFile.toOnnx(new ModelParameters(TestModels.layers(1, new int[] {2, 2},
                Activation.RELU, Activation.IDENTITY, true), Map.of()));
        ModelProto.Builder b = onnx.toBuilder();
        for (int i = 0; i < b.getMetadataPropsCount(); i++) {
            if (b.getMetadataProps(i).getKey().equals(OnnxMetadata.EXPORT_KEY)) {
                b.setMetadataProps(i, StringStringEntryProto.newBuilder().setKey(OnnxMetadata.EXPORT_KEY).setValue("2"));
            }
        }
        assertMentions(refusal(b.build()), OnnxMetadata.EXPORT_KEY, "'2'");
    }

    @Test
    void modelWithoutGraphIsRefused() {
        assertMentions(refusal(ModelProto.newBuilder().setIrVersion(7).build()), "no graph");
    }

    @Test
    void outputOfAnIntermediateLayerIsRefused() {
        UnaryOperator<GraphProto.Builder> extraOutput = g -> g.addOutput(value("a", DataType.FLOAT, -1, 3));
        assertMentions(refusal(extraOutput.apply(mlp())), "'a'", "intermediate");
    }
}
