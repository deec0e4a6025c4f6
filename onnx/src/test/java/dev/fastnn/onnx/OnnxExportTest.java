package dev.fastnn.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.network.model.Task;
import dev.fastnn.network.train.Model;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OnnxExportTest {
    private static final int[] SIZES = {37, 19, 8, 5};
    private static final int ROWS = 67;

    /** Every hidden activation, every output activation (softmax: a classifier), with and without biases. */
    static Stream<Arguments> networks() {
        List<Arguments> cases = new ArrayList<>();
        for (String backend : List.of("naive", "vector")) {
            for (Activation hidden : Activation.values()) {
                for (Activation output : Activation.values()) {
                    for (boolean biases : new boolean[] {true, false}) {
                        cases.add(Arguments.of(backend, hidden, output, biases));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1} hidden, {2} output, biases {3}")
    @MethodSource("networks")
    void exportedModelMatchesPredictInOnnxRuntime(String backend, Activation hidden, Activation output,
                                                  boolean biases) throws Exception {
        long seed = 31L * hidden.ordinal() + 7L * output.ordinal() + (biases ? 1 : 0);
        ModelParameters model = new ModelParameters(TestModels.layers(seed, SIZES, hidden, output, biases), Map.of());
        float[] x = TestModels.inputs(seed, ROWS, SIZES[0], -2, 2);
        assertRuntimeMatchesPredict(model, backend, x, ROWS);
    }

    /**
     * Runs the export in ONNX Runtime, compares every output with fastnn's own predictions on {@code backend}
     * and returns ONNX Runtime's outputs.
     */
    static Map<String, Object> assertRuntimeMatchesPredict(ModelParameters model, String backend, float[] x, int rows) throws Exception {
        OnnxRuntimeReference.require();
        float[] expected;
        int[] classes;
        try (Model fastnn = Model.of(Backends.get(backend), model)) {
            expected = fastnn.predict(x, rows);
            classes = fastnn.classify(x, rows);
        }
        Map<String, Object> out = OnnxRuntimeReference.run(OnnxModelFile.toOnnx(model).toByteArray(),
                OnnxModelFile.INPUT, x, rows, model.layers().get(0).inputs());
        boolean classifier = model.task() == Task.CLASSIFICATION;
        float[] actual = (float[]) out.get(classifier ? OnnxModelFile.PROBABILITIES : OnnxModelFile.OUTPUT);
        TestModels.assertMatches(expected, actual, backend);
        assertEquals(classifier ? 2 : 1, out.size(), "outputs " + out.keySet());
        if (classifier) {
            Object labels = out.get(OnnxModelFile.LABEL);
            assertEquals(model.classLabels().kind() == ClassLabels.Kind.STRING, labels instanceof String[],
                    "label type " + labels.getClass().getSimpleName() + " for " + model.classLabels());
            int k = expected.length / rows;
            double scale = TestModels.scale(expected);
            for (int i = 0; i < rows; i++) {
                if (!TestModels.nearTie(expected, i, k, scale)) {
                    String label = labels instanceof String[] s ? s[i] : Long.toString(((long[]) labels)[i]);
                    assertEquals(model.classLabels().get(classes[i]), label, "label of row " + i);
                }
            }
        }
        return out;
    }

    /** Preprocessing folded into the first layer, as the trainer folds it; recorded, never applied again. */
    static Stream<Arguments> preprocessings() {
        SplittableRandom random = new SplittableRandom(8);
        float[] mean = new float[SIZES[0]];
        float[] scale = new float[SIZES[0]];
        for (int k = 0; k < mean.length; k++) {
            mean[k] = (float) random.nextDouble(0, 200);
            scale[k] = (float) (1 / (random.nextDouble(1, 80) + 0.01));
        }
        return Stream.of(Arguments.of(Preprocessing.divisor(255f)),
                Arguments.of(Preprocessing.standardized(1f, mean, scale)),
                Arguments.of(Preprocessing.standardized(255f, divided(mean, 255f), scale)));
    }

    private static float[] divided(float[] values, float d) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] / d;
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("preprocessings")
    void preprocessingFoldedIntoTheFirstGemmMatchesPredictInOnnxRuntime(Preprocessing preprocessing) throws Exception {
        for (Activation output : new Activation[] {Activation.SOFTMAX, Activation.IDENTITY}) {
            List<LayerParameters> layers = new ArrayList<>(TestModels.layers(9, SIZES, Activation.SIGMOID, output, true));
            layers.set(0, preprocessing.foldInto(layers.get(0)));
            ModelParameters model = new ModelParameters(layers, Map.of()).withPreprocessing(preprocessing);
            float[] pixels = TestModels.inputs(10, ROWS, SIZES[0], 0, 255);
            for (String backend : List.of("naive", "vector")) {
                assertRuntimeMatchesPredict(model, backend, pixels, ROWS);
            }
        }
    }

    @Test
    void labelOutputIsTheOriginalStringOrIntegerLabel() throws Exception {
        ModelParameters scores = new ModelParameters(TestModels.layers(12, SIZES, Activation.RELU, Activation.SOFTMAX,
                true), Map.of());
        float[] x = TestModels.inputs(13, ROWS, SIZES[0], -2, 2);
        for (ClassLabels labels : List.of(ClassLabels.ofStrings("T-shirt/top", "Trouser", "émeu", "", "a b"),
                ClassLabels.ofIntegers(-7, 3, 1000000000000L, 0, 42), ClassLabels.indices(5))) {
            assertRuntimeMatchesPredict(scores.withClassLabels(labels), "naive", x, ROWS);
        }
    }

    /** A task is what the labels say, whatever the output activation. */
    @Test
    void sigmoidClassifierHasALabelAndSoftmaxRegressionHasNone() throws Exception {
        ModelParameters sigmoid = new ModelParameters(TestModels.layers(15, SIZES, Activation.TANH, Activation.SIGMOID,
                true), Map.of()).withClassLabels(ClassLabels.ofStrings("a", "b", "c", "d", "e"));
        ModelParameters softmax = new ModelParameters(TestModels.layers(16, SIZES, Activation.TANH, Activation.SOFTMAX,
                true), Map.of()).withClassLabels(null);
        float[] x = TestModels.inputs(17, ROWS, SIZES[0], -2, 2);
        assertTrue(assertRuntimeMatchesPredict(sigmoid, "naive", x, ROWS).containsKey(OnnxModelFile.LABEL));
        assertEquals(Set.of(OnnxModelFile.OUTPUT), assertRuntimeMatchesPredict(softmax, "naive", x, ROWS).keySet());
    }

    @Test
    void onnxRuntimeSeesTheModelInformationInMetadataProps() throws Exception {
        OnnxRuntimeReference.require();
        ModelParameters model = new ModelParameters(TestModels.layers(14, new int[] {2, 3}, Activation.RELU,
                Activation.SOFTMAX, true), Map.of("loss", "cross-entropy"))
                .withClassLabels(ClassLabels.ofStrings("a", "b", "c")).withFeatureNames(List.of("x \"1\"", "y"))
                .withPreprocessing(Preprocessing.divisor(16f));
        Map<String, String> props = OnnxRuntimeReference.customMetadata(OnnxModelFile.toOnnx(model).toByteArray());
        assertEquals("classification", props.get("fastnn.task"));
        assertEquals("[\"x \\\"1\\\"\",\"y\"]", props.get("fastnn.feature-names"));
        assertEquals("16.0", props.get("fastnn.preprocessing.divisor"));
        assertEquals("cross-entropy", props.get("fastnn.metadata.loss"));
        assertEquals("1", props.get("fastnn.export"));
    }

    @Test
    void graphIsGemmPerLayerWithActivationsOpset13IrVersion7() {
        List<LayerParameters> layers = new ArrayList<>(TestModels.layers(1, new int[] {4, 3, 3, 2}, Activation.TANH,
                Activation.SOFTMAX, true));
        LayerParameters middle = layers.get(1);
        layers.set(1, new LayerParameters(3, 3, Activation.IDENTITY, middle.weights(), null));
        ModelProto onnx = OnnxModelFile.toOnnx(new ModelParameters(layers, Map.of()));

        assertEquals(7, onnx.getIrVersion());
        assertEquals(1, onnx.getOpsetImportCount());
        assertEquals("", onnx.getOpsetImport(0).getDomain());
        assertEquals(13, onnx.getOpsetImport(0).getVersion());
        List<String> ops = onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
        assertEquals(List.of("Gemm", "Tanh", "Gemm", "Gemm", "Softmax", "ArgMax"), ops);
        NodeProto noBias = onnx.getGraph().getNode(2);
        assertEquals(2, noBias.getInputCount(), "a layer without biases is a two-input Gemm");
        assertEquals(3, onnx.getGraph().getNode(0).getInputCount());
        NodeProto softmax = onnx.getGraph().getNode(4);
        assertEquals("axis", softmax.getAttribute(0).getName());
        assertEquals(-1, softmax.getAttribute(0).getI());
        assertEquals(List.of(OnnxModelFile.PROBABILITIES, OnnxModelFile.LABEL),
                onnx.getGraph().getOutputList().stream().map(v -> v.getName()).toList());
        assertEquals(OnnxModelFile.INPUT, onnx.getGraph().getInput(0).getName());
        var dims = onnx.getGraph().getInput(0).getType().getTensorType().getShape().getDimList();
        assertEquals("N", dims.get(0).getDimParam());
        assertEquals(4, dims.get(1).getDimValue());
    }

    @Test
    void regressionHasOneOutputNamedOutput() {
        ModelProto onnx = OnnxModelFile.toOnnx(new ModelParameters(
                TestModels.layers(2, new int[] {3, 2}, Activation.RELU, Activation.IDENTITY, true), Map.of()));
        assertEquals(List.of("Gemm"), onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
        assertEquals(1, onnx.getGraph().getOutputCount());
        assertEquals(OnnxModelFile.OUTPUT, onnx.getGraph().getOutput(0).getName());
    }

    @Test
    void initializersHoldTheStoredFloatBitsLittleEndianInRawData() {
        float[] w = {-0.0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, 1f / 3, -2.5f};
        float[] b = {Float.intBitsToFloat(0x7fc01234), Math.nextUp(1f)};
        ModelProto onnx = OnnxModelFile.toOnnx(new ModelParameters(
                List.of(new LayerParameters(3, 2, Activation.SIGMOID, w, b)), Map.of()));
        TensorProto weights = onnx.getGraph().getInitializer(0);
        TensorProto biases = onnx.getGraph().getInitializer(1);
        assertEquals(List.of(3L, 2L), weights.getDimsList());
        assertEquals(List.of(2L), biases.getDimsList());
        assertEquals(TensorProto.DataType.FLOAT.getNumber(), weights.getDataType());
        assertFalse(weights.getFloatDataCount() > 0, "values go in raw_data, not float_data");
        assertArrayEquals(bits(w), littleEndianBits(weights.getRawData().toByteArray()));
        assertArrayEquals(bits(b), littleEndianBits(biases.getRawData().toByteArray()));
    }

    @Test
    void sameModelGivesSameBytes() {
        ModelParameters model = new ModelParameters(TestModels.layers(5, SIZES, Activation.RELU, Activation.SOFTMAX,
                true), Map.of("seed", "5", "loss", "cross-entropy", "backend", "naive"));
        assertArrayEquals(OnnxModelFile.toOnnx(model).toByteArray(), OnnxModelFile.toOnnx(model).toByteArray());
        assertTrue(OnnxModelFile.toOnnx(model).getMetadataPropsCount() >= 4);
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    private static int[] littleEndianBits(byte[] raw) {
        ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int[] bits = new int[raw.length / 4];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = in.getInt();
        }
        return bits;
    }
}
