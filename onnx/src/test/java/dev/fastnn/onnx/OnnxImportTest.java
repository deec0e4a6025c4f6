package dev.fastnn.onnx;

import static dev.fastnn.onnx.Graphs.attribute;
import static dev.fastnn.onnx.Graphs.node;
import static dev.fastnn.onnx.Graphs.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.Backends;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.network.model.Task;
import dev.fastnn.network.train.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxImportTest {
    @TempDir
    Path dir;

    /**
     * Awkward sizes, a layer without biases, float bits a text format would lose, metadata of every kind,
     * feature names, standardization and class labels of each kind (or regression).
     */
    static List<ModelParameters> awkwardModels() {
        List<LayerParameters> layers = new ArrayList<>(TestModels.layers(3, new int[] {4, 1, 6, 3}, Activation.TANH,
                Activation.SOFTMAX, true));
        LayerParameters first = layers.get(0);
        float[] w = first.weights().clone();
        w[0] = -0.0f;
        w[1] = Float.MIN_VALUE;
        w[2] = Float.MAX_VALUE;
        layers.set(0, new LayerParameters(4, 1, Activation.RELU, w, first.biases()));
        LayerParameters middle = layers.get(1);
        layers.set(1, new LayerParameters(1, 6, Activation.IDENTITY, middle.weights(), null));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("loss", "cross-entropy");
        metadata.put("trainer", "Trainer{layers=4,1,6,3, seed=3}");
        metadata.put("note", "naïve 日本 ✓ \n tab\t \"quoted\" [1, 2]");
        metadata.put("", "empty key");
        metadata.put("fastnn.metadata.x", "a key that looks like the mapping's own");
        ModelParameters classifier = new ModelParameters(layers, ClassLabels.ofStrings("T-shirt/top", "ü \"x\"", ""),
                List.of("width", "höhe", "[\"depth\"]", "a,b"),
                Preprocessing.standardized(255f, new float[] {0.1f, -0.0f, 1e-30f, 3f},
                        new float[] {1 / 3f, 7f, Float.MIN_VALUE, -2f}), metadata);
        List<LayerParameters> regression = new ArrayList<>(layers);
        LayerParameters last = layers.get(2);
        regression.set(2, new LayerParameters(6, 3, Activation.SIGMOID, last.weights(), last.biases()));
        return List.of(
                classifier,
                classifier.withClassLabels(ClassLabels.ofIntegers(-3, 10, Long.MAX_VALUE)),
                classifier.withClassLabels(ClassLabels.indices(3)).withFeatureNames(List.of()),
                classifier.withClassLabels(ClassLabels.of(ClassLabels.Kind.STRING, List.of("0", "1", "2"))),
                classifier.withClassLabels(null).withPreprocessing(Preprocessing.divisor(16f)),
                classifier.withLayers(regression).withClassLabels(null).withPreprocessing(Preprocessing.NONE)
                        .withMetadata(Map.of()),
                classifier.withLayers(regression));
    }

    @Test
    void exportThenImportGivesABitIdenticalModelFile() throws Exception {
        int i = 0;
        for (ModelParameters model : awkwardModels()) {
            Path onnx = dir.resolve("m" + i++ + ".onnx");
            OnnxModelFile.save(model, onnx);
            ModelParameters back = OnnxModelFile.load(onnx);
            assertArrayEquals(modelFileBytes(model, "original"), modelFileBytes(back, "imported"),
                    model.task() + " " + model.classLabels() + " " + model.preprocessing());
        }
    }

    private byte[] modelFileBytes(ModelParameters model, String name) throws Exception {
        Path file = dir.resolve(name + ".fnn");
        ModelFile.save(model, file);
        return Files.readAllBytes(file);
    }

    /**
     * What PyTorch's exporter writes for {@code Flatten -> Linear -> ReLU -> Linear -> Softmax}: weights in
     * {@code nn.Linear}'s {@code [out, in]} layout, used by {@code Gemm} with {@code transB = 1}.
     */
    static ModelProto pytorchGemmForm(int opset) {
        SplittableRandom random = new SplittableRandom(11);
        GraphProto.Builder g = GraphProto.newBuilder().setName("main_graph")
                .addInput(value("x", DataType.FLOAT, -1, 1, 3, 4))
                .addInitializer(TensorData.floats("fc1.weight", gaussian(random, 7 * 12), 7, 12))
                .addInitializer(TensorData.floats("fc1.bias", gaussian(random, 7), 7))
                .addInitializer(TensorData.floats("fc2.weight", gaussian(random, 3 * 7), 3, 7))
                .addInitializer(TensorData.floats("fc2.bias", gaussian(random, 3), 3))
                .addNode(node("Flatten", "/flatten/Flatten", List.of("x"), "/flatten/Flatten_output_0",
                        attribute("axis", 1L)))
                .addNode(node("Gemm", "/fc1/Gemm", List.of("/flatten/Flatten_output_0", "fc1.weight", "fc1.bias"),
                        "/fc1/Gemm_output_0", attribute("alpha", 1f), attribute("beta", 1f), attribute("transB", 1L)))
                .addNode(node("Relu", "/relu/Relu", List.of("/fc1/Gemm_output_0"), "/relu/Relu_output_0"))
                .addNode(node("Gemm", "/fc2/Gemm", List.of("/relu/Relu_output_0", "fc2.weight", "fc2.bias"),
                        "/fc2/Gemm_output_0", attribute("alpha", 1f), attribute("beta", 1f), attribute("transB", 1L)))
                .addNode(node("Softmax", "/softmax/Softmax", List.of("/fc2/Gemm_output_0"), "probs",
                        attribute("axis", 1L)))
                .addOutput(value("probs", DataType.FLOAT, -1, 3));
        return Graphs.model(g, "pytorch", opset);
    }

    @Test
    void pytorchGemmTransBFormImportsAsTheTransposedWeights() throws Exception {
        ModelProto onnx = pytorchGemmForm(17);
        ModelParameters model = OnnxModelFile.fromOnnx(onnx, Path.of("pytorch.onnx"));
        assertEquals(2, model.layers().size());
        LayerParameters fc1 = model.layers().get(0);
        assertEquals(12, fc1.inputs());
        assertEquals(7, fc1.outputs());
        assertEquals(Activation.RELU, fc1.activation());
        assertEquals(Activation.SOFTMAX, model.layers().get(1).activation());
        float[] torch = TensorData.readFloats(onnx.getGraph().getInitializer(0));
        for (int i = 0; i < 12; i++) {
            for (int j = 0; j < 7; j++) {
                assertEquals(Float.floatToRawIntBits(torch[j * 12 + i]), Float.floatToRawIntBits(fc1.weights()[i * 7 + j]));
            }
        }
        assertArrayEquals(TensorData.readFloats(onnx.getGraph().getInitializer(1)), fc1.biases());
        assertEquals("pytorch", model.metadata().get("onnx.producer_name"));
    }

    @Test
    void importedPytorchGraphPredictsWhatOnnxRuntimeComputes() throws Exception {
        for (int opset : new int[] {9, 11, 13, 17, 21}) {
            assertImportedMatchesRuntime(pytorchGemmForm(opset), "x", "probs", 1, 3, 4);
        }
    }

    /**
     * What skl2onnx writes for an {@code MLPClassifier} with {@code zipmap=False}: a Cast of the input,
     * {@code MatMul} then {@code Add} of {@code [1, n]} intercepts per layer, the probabilities through an
     * Identity, and the label looked up with {@code ArgMax} and {@code ArrayFeatureExtractor}.
     */
    static ModelProto sklearnMatMulAddForm(int opset) {
        SplittableRandom random = new SplittableRandom(12);
        GraphProto.Builder g = GraphProto.newBuilder().setName("mlp")
                .addInput(value("float_input", DataType.FLOAT, -1, 5))
                .addInitializer(TensorData.floats("coefficient", gaussian(random, 5 * 6), 5, 6))
                .addInitializer(TensorData.floats("intercepts", gaussian(random, 6), 1, 6))
                .addInitializer(TensorData.floats("coefficient1", gaussian(random, 6 * 4), 6, 4))
                .addInitializer(TensorData.floats("intercepts1", gaussian(random, 4), 1, 4))
                .addInitializer(TensorData.strings("classes", List.of("cat", "dog", "émeu", "yak"), 4))
                .addInitializer(TensorData.longs("shape_tensor", new long[] {-1}, 1))
                .addNode(node("Cast", "Cast", List.of("float_input"), "cast_input",
                        attribute("to", (long) DataType.FLOAT.getNumber())))
                .addNode(node("MatMul", "MatMul", List.of("cast_input", "coefficient"), "mul_result"))
                .addNode(node("Add", "Add", List.of("mul_result", "intercepts"), "add_result"))
                .addNode(node("Relu", "Relu", List.of("add_result"), "next_activations"))
                .addNode(node("MatMul", "MatMul1", List.of("next_activations", "coefficient1"), "mul_result1"))
                .addNode(node("Add", "Add1", List.of("mul_result1", "intercepts1"), "add_result1"))
                .addNode(node("Softmax", "Softmax", List.of("add_result1"), "out_activations_result"))
                .addNode(node("Identity", "Identity", List.of("out_activations_result"), "probabilities"))
                .addNode(node("ArgMax", "ArgMax", List.of("probabilities"), "argmax_output", attribute("axis", 1L)))
                .addNode(node("ArrayFeatureExtractor", "ArrayFeatureExtractor", List.of("classes", "argmax_output"),
                        "array_feature_extractor_result").toBuilder().setDomain("ai.onnx.ml").build())
                .addNode(node("Reshape", "Reshape", List.of("array_feature_extractor_result", "shape_tensor"),
                        "label"))
                .addOutput(value("label", DataType.STRING, -1))
                .addOutput(value("probabilities", DataType.FLOAT, -1, 4));
        return Graphs.model(g, "skl2onnx", opset).toBuilder()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(1)).build();
    }

    @Test
    void sklearnMatMulAddFormImports() throws Exception {
        ModelProto onnx = sklearnMatMulAddForm(15);
        ModelParameters model = OnnxModelFile.fromOnnx(onnx, Path.of("sklearn.onnx"));
        assertEquals(List.of(5, 6), model.layers().stream().map(LayerParameters::inputs).toList());
        assertEquals(List.of(Activation.RELU, Activation.SOFTMAX),
                model.layers().stream().map(LayerParameters::activation).toList());
        assertArrayEquals(TensorData.readFloats(onnx.getGraph().getInitializer(0)), model.layers().get(0).weights());
        assertArrayEquals(TensorData.readFloats(onnx.getGraph().getInitializer(3)), model.layers().get(1).biases());
        assertEquals(ClassLabels.ofStrings("cat", "dog", "émeu", "yak"), model.classLabels());
    }

    /** skl2onnx's integer classes: an INT32 constant, the looked-up label reshaped and cast to int64. */
    @Test
    void sklearnIntegerClassesImportAsIntegerLabels() throws Exception {
        ModelProto strings = sklearnMatMulAddForm(15);
        GraphProto.Builder g = strings.getGraph().toBuilder();
        g.setInitializer(4, TensorProto.newBuilder().setName("classes").setDataType(DataType.INT32.getNumber())
                .addDims(4).addAllInt32Data(List.of(3, 1, -4, 100)).build());
        g.setNode(10, node("Reshape", "Reshape", List.of("array_feature_extractor_result", "shape_tensor"),
                "reshaped_result"));
        g.addNode(node("Cast", "Cast1", List.of("reshaped_result"), "label",
                attribute("to", (long) DataType.INT64.getNumber())));
        g.setOutput(0, value("label", DataType.INT64, -1));
        ModelParameters model = OnnxModelFile.fromOnnx(strings.toBuilder().setGraph(g).build(), Path.of("int.onnx"));
        assertEquals(ClassLabels.ofIntegers(3, 1, -4, 100), model.classLabels());
    }

    @Test
    void foreignModelsTakeRawFeaturesAndAreClassifiersWhenTheyEndInSoftmaxOrALabel() throws Exception {
        ModelParameters torch = OnnxModelFile.fromOnnx(pytorchGemmForm(13), Path.of("t.onnx"));
        assertEquals(ClassLabels.indices(3), torch.classLabels());
        assertEquals(Preprocessing.NONE, torch.preprocessing());
        assertEquals(List.of(), torch.featureNames());
        ModelParameters dynamo = OnnxModelFile.fromOnnx(pytorchDynamoForm(), Path.of("d.onnx"));
        assertEquals(Task.REGRESSION, dynamo.task());
    }

    @Test
    void importedSklearnGraphPredictsWhatOnnxRuntimeComputes() throws Exception {
        for (int opset : new int[] {9, 15}) {
            assertImportedMatchesRuntime(sklearnMatMulAddForm(opset), "float_input", "probabilities", 5);
        }
    }

    /** What PyTorch's newer (dynamo) exporter writes for a linear layer: Transpose of the weight, MatMul, Add. */
    static ModelProto pytorchDynamoForm() {
        SplittableRandom random = new SplittableRandom(13);
        GraphProto.Builder g = GraphProto.newBuilder().setName("main_graph")
                .addInput(value("x", DataType.FLOAT, -1, 6))
                .addInitializer(TensorData.floats("mlp.0.weight", gaussian(random, 4 * 6), 4, 6))
                .addInitializer(TensorData.floats("mlp.0.bias", gaussian(random, 4), 4))
                .addInitializer(TensorData.floats("mlp.2.weight", gaussian(random, 2 * 4), 2, 4))
                .addNode(node("Transpose", "node_Transpose_0", List.of("mlp.0.weight"), "val_0",
                        Graphs.ints("perm", 1, 0)))
                .addNode(node("MatMul", "node_MatMul_1", List.of("x", "val_0"), "val_1"))
                .addNode(node("Add", "node_Add_2", List.of("val_1", "mlp.0.bias"), "linear"))
                .addNode(node("Tanh", "node_Tanh_3", List.of("linear"), "tanh"))
                .addNode(node("Transpose", "node_Transpose_4", List.of("mlp.2.weight"), "val_2",
                        Graphs.ints("perm", 1, 0)))
                .addNode(node("MatMul", "node_MatMul_5", List.of("tanh", "val_2"), "linear_1"))
                .addOutput(value("linear_1", DataType.FLOAT, -1, 2));
        return Graphs.model(g, "pytorch", 18);
    }

    @Test
    void pytorchDynamoTransposeMatMulFormImportsAndPredictsWhatOnnxRuntimeComputes() throws Exception {
        ModelProto onnx = pytorchDynamoForm();
        ModelParameters model = OnnxModelFile.fromOnnx(onnx, Path.of("dynamo.onnx"));
        assertEquals(List.of(Activation.TANH, Activation.IDENTITY),
                model.layers().stream().map(LayerParameters::activation).toList());
        assertNull(model.layers().get(1).biases());
        assertImportedMatchesRuntime(onnx, "x", "linear_1", 6);
    }

    /** Weights and biases may come from Constant nodes instead of initializers, as some exporters write them. */
    @Test
    void constantNodesProvideWeightsLikeInitializers() throws Exception {
        ModelProto torch = pytorchGemmForm(13);
        GraphProto.Builder g = torch.getGraph().toBuilder();
        TensorProto bias = g.getInitializer(3);
        g.removeInitializer(3);
        g.addNode(0, node("Constant", "/fc2/bias", List.of(), "fc2.bias")
                .toBuilder().addAttribute(AttributeProto.newBuilder().setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR).setT(bias)).build());
        ModelProto constants = torch.toBuilder().setGraph(g).build();
        ModelParameters model = OnnxModelFile.fromOnnx(constants, Path.of("constants.onnx"));
        assertArrayEquals(TensorData.readFloats(bias), model.layers().get(1).biases());
        assertImportedMatchesRuntime(constants, "x", "probs", 1, 3, 4);
    }

    @Test
    void gemmAlphaPowerOfTwoAndAnyBetaFoldIntoTheLayer() throws Exception {
        SplittableRandom random = new SplittableRandom(14);
        GraphProto.Builder g = GraphProto.newBuilder()
                .addInput(value("in", DataType.FLOAT, -1, 3))
                .addInitializer(TensorData.floats("w", gaussian(random, 6), 3, 2))
                .addInitializer(TensorData.floats("c", gaussian(random, 1), 1))
                .addNode(node("Gemm", "scaled", List.of("in", "w", "c"), "out", attribute("alpha", 0.5f),
                        attribute("beta", 0.3f)))
                .addOutput(value("out", DataType.FLOAT, -1, 2));
        ModelProto onnx = Graphs.model(g, "test", 13);
        ModelParameters model = OnnxModelFile.fromOnnx(onnx, Path.of("alpha.onnx"));
        float c = TensorData.readFloats(onnx.getGraph().getInitializer(1))[0];
        assertArrayEquals(new float[] {0.3f * c, 0.3f * c}, model.layers().get(0).biases());
        assertImportedMatchesRuntime(onnx, "in", "out", 3);
    }

    /** The imported model's {@code Model.predict} against ONNX Runtime running the original graph. */
    static void assertImportedMatchesRuntime(ModelProto onnx, String input, String output, long... featureShape)
            throws Exception {
        OnnxRuntimeReference.require();
        ModelParameters model = OnnxModelFile.fromOnnx(onnx, Path.of("in-memory.onnx"));
        int features = model.layers().get(0).inputs();
        int rows = 29;
        float[] x = TestModels.inputs(rows, rows, features, -3, 3);
        long[] shape = new long[featureShape.length + 1];
        shape[0] = rows;
        System.arraycopy(featureShape, 0, shape, 1, featureShape.length);
        float[] expected;
        try (Model fastnn = Model.of(Backends.get("naive"), model)) {
            expected = fastnn.predict(x, rows);
        }
        float[] actual = (float[]) OnnxRuntimeReference.run(onnx.toByteArray(), input, x, shape).get(output);
        TestModels.assertMatches(expected, actual, onnx.getProducerName() + " opset " + onnx.getOpsetImport(0).getVersion());
    }

    static float[] gaussian(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.5 * random.nextGaussian());
        }
        return v;
    }
}
