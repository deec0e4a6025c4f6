package dev.fastnn.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.fastnn.kernels.Activation;
import dev.fastnn.network.io.ModelFileException;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Task;
import dev.fastnn.onnx.TensorData.TensorException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX graph as a fastnn MLP, or refuses it with one message that names the file and the nodes.
 *
 * <p>The graph must be a chain from its one input to its main output: dense layers written as {@code Gemm}
 * (any {@code transB}, {@code transA = 0}, {@code alpha} a power of two, any {@code beta}) or as
 * {@code MatMul} with an optional {@code Add} of a constant bias, each followed by at most one of
 * {@code Sigmoid}, {@code Tanh}, {@code Relu}, {@code Softmax} (over the last axis). {@code Identity},
 * {@code Cast} to float and a {@code Reshape} that keeps {@code [N, width]} may sit anywhere in the chain,
 * {@code Flatten} at the input, and a {@code Transpose} of a constant weight. One branch may leave the end of
 * the chain for the predicted label: {@code ArgMax}, then optionally a lookup of the class labels
 * ({@code Gather} or scikit-learn's {@code ArrayFeatureExtractor}), {@code Reshape} and {@code Cast}. That is
 * how fastnn, PyTorch and scikit-learn write MLPs; every value is copied as it is, so the imported model
 * computes what the graph computes.
 */
final class OnnxImporter {
    /** Opsets whose operators above have the semantics this importer assumes (Softmax's axis is handled). */
    private static final int MIN_OPSET = 9;
    private static final int MAX_OPSET = 21;
    private static final String ML_DOMAIN = "ai.onnx.ml";
    /** The default domain's operators an MLP or its label branch may use; where each may stand is checked later. */
    private static final Set<String> SUPPORTED_OPS = Set.of("Gemm", "MatMul", "Add", "Sigmoid", "Tanh", "Relu",
            "Softmax", "Flatten", "Identity", "Cast", "Reshape", "Transpose", "Constant", "ArgMax", "Gather");

    private final ModelProto onnx;
    private final GraphProto graph;
    private final Path file;
    private final Map<String, TensorProto> constants = new HashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<NodeProto, Integer> indices = new IdentityHashMap<>();
    private final Set<NodeProto> used = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<String> graphOutputs = new HashSet<>();
    private int opset;

    OnnxImporter(ModelProto onnx, Path file) {
        this.onnx = onnx;
        this.graph = onnx.getGraph();
        this.file = file;
    }

    ModelParameters importModel() throws ModelFileException {
        checkModel();
        indexGraph();
        ValueInfoProto input = singleInput();
        Chain chain = walkChain(input);
        LabelBranch label = labelBranch(chain);
        checkEverythingUsed();
        Map<String, String> props = properties();
        try {
            if (OnnxMetadata.isFastnnExport(onnx.getDomain(), props, file)) {
                OnnxMetadata.Exported exported = OnnxMetadata.read(props, file);
                ClassLabels labels = null;
                if (exported.task() == Task.CLASSIFICATION) {
                    if (label == null) {
                        throw error("a classifier exported by fastnn has no " + OnnxModelFile.LABEL + " output");
                    }
                    labels = classLabels(label, chain);
                } else if (label != null) {
                    throw error("a regression model exported by fastnn has a label output '" + label.output() + "'");
                }
                return new ModelParameters(chain.layers, labels, exported.featureNames(), exported.preprocessing(),
                        exported.metadata());
            }
            Map<String, String> metadata = OnnxMetadata.foreignMetadata(onnx.getProducerName(),
                    onnx.getProducerVersion(), props);
            ModelParameters model = new ModelParameters(chain.layers, metadata);
            return label == null ? model : model.withClassLabels(classLabels(label, chain));
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /** The labels the label branch looks the class up in; without a lookup, the class indices themselves. */
    private ClassLabels classLabels(LabelBranch label, Chain chain) throws ModelFileException {
        int classes = chain.layers.get(chain.layers.size() - 1).outputs();
        TensorProto t = label.labels();
        if (t == null) {
            return ClassLabels.indices(classes);
        }
        if (t.getDimsCount() != 1) {
            throw error("class labels '" + t.getName() + "' have shape " + TensorData.shape(t)
                    + "; a lookup of " + classes + " classes needs [" + classes + "]");
        }
        try {
            if (t.getDataType() == DataType.STRING.getNumber()) {
                return ClassLabels.ofStrings(TensorData.readStrings(t));
            }
            return ClassLabels.ofIntegers(TensorData.readIntegers(t));
        } catch (TensorException e) {
            throw error("class labels " + e.getMessage() + " (fastnn's labels are integers or strings)");
        }
    }

    private void checkModel() throws ModelFileException {
        if (!onnx.hasGraph() || onnx.getIrVersion() <= 0) {
            throw error("not an ONNX model: " + (onnx.hasGraph() ? "no IR version" : "no graph")
                    + " (truncated, or not an ONNX file)");
        }
        Integer version = null;
        for (OperatorSetIdProto set : onnx.getOpsetImportList()) {
            if (set.getDomain().isEmpty() || set.getDomain().equals("ai.onnx")) {
                version = (int) set.getVersion();
            }
        }
        if (version == null) {
            throw error("the model imports no version of the default operator set (opset_import is empty)");
        }
        if (version < MIN_OPSET || version > MAX_OPSET) {
            throw error("opset " + version + " is not supported; fastnn imports opsets " + MIN_OPSET + " to "
                    + MAX_OPSET);
        }
        opset = version;
    }

    private void indexGraph() throws ModelFileException {
        for (TensorProto t : graph.getInitializerList()) {
            constants.put(t.getName(), t);
        }
        List<String> unsupported = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            indices.put(node, i);
            if (!isSupported(node)) {
                unsupported.add(node.getOpType() + (node.getDomain().isEmpty() ? "" : " (domain " + node.getDomain()
                        + ")") + " in node " + nodeName(node));
            }
            for (String out : node.getOutputList()) {
                producers.put(out, node);
            }
            for (String in : node.getInputList()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
                }
            }
        }
        if (!unsupported.isEmpty()) {
            boolean zipMap = graph.getNodeList().stream().anyMatch(n -> n.getOpType().equals("ZipMap"));
            throw error("not an MLP fastnn can import; unsupported: " + String.join(", ", unsupported)
                    + ". fastnn imports chains of Gemm or MatMul+Add with Sigmoid, Tanh, Relu, Softmax"
                    + (zipMap ? "; convert scikit-learn models with options={type(model): {'zipmap': False}}" : "")
                    + " (see docs/onnx.md)");
        }
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto node = graph.getNode(i);
            if (node.getOutputCount() != 1) {
                throw error("node " + nodeName(node) + " (" + node.getOpType() + ") has " + node.getOutputCount()
                        + " outputs; the operators of an MLP have one");
            }
            if (node.getOpType().equals("Constant")) {
                constants.put(node.getOutput(0), constantValue(node));
                used.add(node);
            }
        }
        for (ValueInfoProto out : graph.getOutputList()) {
            graphOutputs.add(out.getName());
        }
    }

    private static boolean isSupported(NodeProto node) {
        String domain = node.getDomain();
        if (domain.isEmpty() || domain.equals("ai.onnx")) {
            return SUPPORTED_OPS.contains(node.getOpType());
        }
        return domain.equals(ML_DOMAIN) && node.getOpType().equals("ArrayFeatureExtractor");
    }

    private TensorProto constantValue(NodeProto node) throws ModelFileException {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals("value") && a.hasT()) {
                return a.getT().toBuilder().setName(node.getOutput(0)).build();
            }
        }
        throw error("node " + nodeName(node) + " (Constant) has no 'value' tensor; fastnn reads only that form");
    }

    /** The graph's one real input (older IR versions also list the initializers as inputs). */
    private ValueInfoProto singleInput() throws ModelFileException {
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto in : graph.getInputList()) {
            if (!constants.containsKey(in.getName())) {
                inputs.add(in);
            }
        }
        if (inputs.size() != 1) {
            List<String> names = inputs.stream().map(ValueInfoProto::getName).toList();
            throw error("the graph has " + inputs.size() + " inputs " + names + "; an MLP has one");
        }
        ValueInfoProto input = inputs.get(0);
        TypeProto type = input.getType();
        if (type.hasTensorType() && type.getTensorType().getElemType() != DataType.FLOAT.getNumber()) {
            throw error("input '" + input.getName() + "' is " + TensorData.typeName(type.getTensorType().getElemType())
                    + "; fastnn models take float32 inputs");
        }
        return input;
    }

    /** The dense layers, from the input to the value that ends the chain. */
    private static final class Chain {
        final List<LayerParameters> layers = new ArrayList<>();
        /** The values equal to the last layer's output (it, and what Identity and the like pass on). */
        final Set<String> tail = new HashSet<>();
        String output;
    }

    /** A dense layer whose linear part is read and whose bias or activation may still follow. */
    private static final class PendingLayer {
        final int inputs;
        final int outputs;
        final float[] weights;
        float[] biases;

        PendingLayer(int inputs, int outputs, float[] weights, float[] biases) {
            this.inputs = inputs;
            this.outputs = outputs;
            this.weights = weights;
            this.biases = biases;
        }

        LayerParameters finish(Activation activation) {
            return new LayerParameters(inputs, outputs, activation, weights, biases);
        }
    }

    private Chain walkChain(ValueInfoProto input) throws ModelFileException {
        Chain chain = new Chain();
        long[] inputShape = shape(input);
        if (inputShape != null && inputShape.length < 2) {
            throw error("input '" + input.getName() + "' has shape " + shapeText(inputShape)
                    + "; fastnn models take [N, features]");
        }
        int width = inputShape != null && inputShape.length == 2 && inputShape[1] > 0 ? (int) inputShape[1] : -1;
        boolean flat = inputShape == null || inputShape.length == 2;
        String value = input.getName();
        PendingLayer pending = null;
        for (NodeProto node = nextInChain(value); node != null; node = nextInChain(value)) {
            used.add(node);
            String op = node.getOpType();
            switch (op) {
                case "Identity" -> { }
                case "Cast" -> {
                    long to = intAttribute(node, "to", -1);
                    if (to != DataType.FLOAT.getNumber()) {
                        throw error("node " + nodeName(node) + " (Cast) casts to " + TensorData.typeName((int) to)
                                + "; in an MLP fastnn accepts only a cast to float");
                    }
                }
                case "Flatten" -> {
                    if (pending != null || !chain.layers.isEmpty()) {
                        throw error("node " + nodeName(node) + " (Flatten) is not at the input; fastnn accepts"
                                + " Flatten only before the first layer");
                    }
                    int rank = inputShape == null ? -1 : inputShape.length;
                    long axis = intAttribute(node, "axis", 1);
                    if (axis != 1 && !(rank > 0 && axis == 1 - rank)) {
                        throw error("node " + nodeName(node) + " (Flatten) has axis " + axis
                                + "; fastnn accepts axis 1 (keep the batch, flatten the rest)");
                    }
                    width = inputShape == null ? -1 : flattenedWidth(inputShape, input.getName());
                    flat = true;
                }
                case "Reshape" -> checkReshapeKeepsWidth(node, width);
                case "Gemm", "MatMul" -> {
                    if (!flat) {
                        throw error("input '" + input.getName() + "' has shape " + shapeText(inputShape) + " and"
                                + " node " + nodeName(node) + " (" + op + ") multiplies it as it is; fastnn models"
                                + " take [N, features] (a Flatten at the input is accepted)");
                    }
                    if (pending != null) {
                        chain.layers.add(pending.finish(Activation.IDENTITY));
                    }
                    pending = op.equals("Gemm") ? gemm(node, width) : matMul(node, width);
                    width = pending.outputs;
                    chain.tail.clear();
                }
                case "Add" -> {
                    if (pending == null || pending.biases != null) {
                        throw error("node " + nodeName(node) + " (Add) does not add a bias to the result of a"
                                + " MatMul or of a Gemm without bias; fastnn accepts Add only there");
                    }
                    pending.biases = addedBias(node, value, pending.outputs);
                }
                case "Sigmoid", "Tanh", "Relu", "Softmax" -> {
                    if (pending == null) {
                        throw error("node " + nodeName(node) + " (" + op + ") does not follow a dense layer;"
                                + " fastnn applies one activation after each Gemm or MatMul(+Add)");
                    }
                    if (op.equals("Softmax")) {
                        checkSoftmaxAxis(node);
                    }
                    chain.layers.add(pending.finish(activation(op)));
                    pending = null;
                }
                default -> throw error("node " + nodeName(node) + " (" + op + ") cannot be part of the chain of an MLP");
            }
            value = node.getOutput(0);
            if (pending == null) {
                chain.tail.add(value);
            }
        }
        if (pending != null) {
            chain.layers.add(pending.finish(Activation.IDENTITY));
            chain.tail.add(value);
        }
        if (chain.layers.isEmpty()) {
            throw error("the graph has no dense layer (Gemm or MatMul) on the path from input '" + input.getName() + "'");
        }
        if (!graphOutputs.contains(value)) {
            throw error("the chain of layers ends at '" + value + "', which is not a graph output");
        }
        chain.output = value;
        return chain;
    }

    /** The single chain node that reads {@code value}, or null at the end of the chain. */
    private NodeProto nextInChain(String value) throws ModelFileException {
        List<NodeProto> next = new ArrayList<>();
        for (NodeProto n : consumers.getOrDefault(value, List.of())) {
            if (!n.getOpType().equals("ArgMax")) {
                next.add(n);
            }
        }
        if (next.size() > 1) {
            List<String> names = new ArrayList<>();
            for (NodeProto n : next) {
                names.add(nodeName(n) + " (" + n.getOpType() + ")");
            }
            throw error("'" + value + "' feeds " + next.size() + " nodes " + names + "; an MLP is a chain");
        }
        if (!next.isEmpty() && graphOutputs.contains(value)) {
            throw error("graph output '" + value + "' is an intermediate value of the chain; fastnn models have one"
                    + " output (and a label)");
        }
        return next.isEmpty() ? null : next.get(0);
    }

    private PendingLayer gemm(NodeProto node, int width) throws ModelFileException {
        if (node.getInputCount() < 2) {
            throw error("node " + nodeName(node) + " (Gemm) has " + node.getInputCount() + " inputs, needs at least 2");
        }
        if (intAttribute(node, "transA", 0) != 0) {
            throw error("node " + nodeName(node) + " (Gemm) has transA = 1, which transposes the batch; fastnn"
                    + " accepts transA = 0 only");
        }
        boolean transB = intAttribute(node, "transB", 0) != 0;
        float alpha = floatAttribute(node, "alpha", 1f);
        float beta = floatAttribute(node, "beta", 1f);
        Weight weight = weight(node, node.getInput(1), transB, width);
        int outputs = weight.outputs;
        float[] w = alpha == 1f ? weight.values : scaledExactly(node, weight.values, alpha);
        float[] b = null;
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty() && beta != 0f) {
            b = bias(node, node.getInput(2), outputs);
            if (beta != 1f) {
                // Gemm adds beta * C, rounded once in float: the same value, computed once here.
                for (int j = 0; j < b.length; j++) {
                    b[j] = beta * b[j];
                }
            }
        }
        return new PendingLayer(weight.inputs, outputs, w, b);
    }

    private PendingLayer matMul(NodeProto node, int width) throws ModelFileException {
        if (node.getInputCount() != 2) {
            throw error("node " + nodeName(node) + " (MatMul) has " + node.getInputCount() + " inputs, needs 2");
        }
        Weight weight = weight(node, node.getInput(1), false, width);
        return new PendingLayer(weight.inputs, weight.outputs, weight.values, null);
    }

    /** A dense layer's weights in fastnn's orientation: {@code inputs x outputs}, row-major. */
    private record Weight(float[] values, int inputs, int outputs) {
    }

    /**
     * The weight matrix {@code name}, transposed when {@code transposed} (Gemm's {@code transB}) or when it
     * is the {@code Transpose} of a constant (how PyTorch's newer exporter writes a linear layer's weight).
     */
    private Weight weight(NodeProto node, String name, boolean transposed, int width) throws ModelFileException {
        String source = name;
        NodeProto producer = producers.get(name);
        if (!constants.containsKey(name) && producer != null && producer.getOpType().equals("Transpose")) {
            used.add(producer);
            long[] perm = intsAttribute(producer, "perm");
            if (producer.getInputCount() != 1 || perm != null && !(perm.length == 2 && perm[0] == 1 && perm[1] == 0)) {
                throw error("node " + nodeName(producer) + " (Transpose) has perm " + shapeText(perm)
                        + "; fastnn accepts the transpose of a matrix only");
            }
            source = producer.getInput(0);
            transposed = !transposed;
        }
        TensorProto t = constant(node, source, "weight");
        long[] dims = TensorData.dims(t);
        if (dims.length != 2 || dims[0] <= 0 || dims[1] <= 0) {
            throw error("node " + nodeName(node) + " (" + node.getOpType() + ") weight '" + source + "' has shape "
                    + shapeText(dims) + "; a dense layer's weight is a non-empty matrix");
        }
        float[] values = floats(node, t);
        int rows = (int) dims[0];
        int cols = (int) dims[1];
        Weight w = transposed ? new Weight(TensorData.transpose(values, rows, cols), cols, rows)
                : new Weight(values, rows, cols);
        if (width > 0 && w.inputs != width) {
            throw error("shape mismatch: node " + nodeName(node) + " (" + node.getOpType() + ") multiplies a [N, "
                    + width + "] input by weight '" + source + "' of shape " + shapeText(dims)
                    + (transposed ? " (transposed)" : "") + ", which takes " + w.inputs + " inputs");
        }
        return w;
    }

    private TensorProto constant(NodeProto node, String name, String role) throws ModelFileException {
        TensorProto t = constants.get(name);
        if (t != null) {
            return t;
        }
        NodeProto producer = producers.get(name);
        throw error(producer == null
                ? "missing initializer: node " + nodeName(node) + " (" + node.getOpType() + ") reads " + role
                        + " '" + name + "', which no initializer, Constant or node provides"
                : "node " + nodeName(node) + " (" + node.getOpType() + ") reads " + role + " '" + name
                        + "' from node " + nodeName(producer) + " (" + producer.getOpType()
                        + "); fastnn needs it to be a constant (an initializer)");
    }

    /** A weight or bias; NaN or infinity in one makes a model fastnn neither trains nor saves. */
    private float[] floats(NodeProto node, TensorProto t) throws ModelFileException {
        float[] values;
        try {
            values = TensorData.readFloats(t);
        } catch (TensorException e) {
            throw error("node " + nodeName(node) + " (" + node.getOpType() + "): " + e.getMessage());
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw error("node " + nodeName(node) + " (" + node.getOpType() + "): '" + t.getName() + "' holds "
                        + values[i] + " at index " + i + "; a model's parameters must be finite");
            }
        }
        return values;
    }

    /** A bias of {@code outputs} values, from a constant of shape {@code [outputs]}, {@code [1, outputs]} or a scalar. */
    private float[] bias(NodeProto node, String name, int outputs) throws ModelFileException {
        TensorProto t = constant(node, name, "bias");
        float[] values = floats(node, t);
        long[] dims = TensorData.dims(t);
        boolean row = dims.length == 1 && dims[0] == outputs || dims.length == 2 && dims[0] == 1 && dims[1] == outputs;
        boolean scalar = values.length == 1 && dims.length <= 2;
        if (row) {
            return values;
        }
        if (scalar) {
            float[] b = new float[outputs];
            Arrays.fill(b, values[0]);
            return b;
        }
        throw error("shape mismatch: node " + nodeName(node) + " (" + node.getOpType() + ") adds bias '" + name
                + "' of shape " + shapeText(dims) + " to a layer of " + outputs + " outputs");
    }

    private float[] addedBias(NodeProto node, String value, int outputs) throws ModelFileException {
        if (node.getInputCount() != 2) {
            throw error("node " + nodeName(node) + " (Add) has " + node.getInputCount() + " inputs, needs 2");
        }
        String other = node.getInput(0).equals(value) ? node.getInput(1) : node.getInput(0);
        return bias(node, other, outputs);
    }

    /** {@code alpha * w} for every weight, when that changes no bits beyond the exponent (alpha a power of two). */
    private float[] scaledExactly(NodeProto node, float[] w, float alpha) throws ModelFileException {
        boolean exact = Float.isFinite(alpha) && alpha != 0
                && Math.abs(alpha) == Math.scalb(1f, Math.getExponent(alpha));
        float[] scaled = new float[w.length];
        for (int i = 0; i < w.length && exact; i++) {
            scaled[i] = alpha * w[i];
            // A power of two only moves the exponent, unless the product overflows or leaves the normal range.
            exact = scaled[i] / alpha == w[i];
        }
        if (!exact) {
            throw error("node " + nodeName(node) + " (Gemm) has alpha = " + alpha + ", which cannot be folded into"
                    + " the weights exactly; fastnn accepts alpha = 1 or a power of two");
        }
        return scaled;
    }

    private void checkSoftmaxAxis(NodeProto node) throws ModelFileException {
        // Before opset 13 the default axis is 1 (on [N, K] the last axis too); from 13 it is -1.
        long axis = intAttribute(node, "axis", opset < 13 ? 1 : -1);
        if (axis != 1 && axis != -1) {
            throw error("node " + nodeName(node) + " (Softmax) has axis " + axis + "; fastnn's softmax is over the"
                    + " last axis of [N, K] (axis 1 or -1)");
        }
    }

    private void checkReshapeKeepsWidth(NodeProto node, int width) throws ModelFileException {
        long[] target = reshapeTarget(node);
        boolean keeps = target.length == 2 && (target[0] == -1 || target[0] == 0 && intAttribute(node, "allowzero", 0) == 0)
                && width > 0 && target[1] == width;
        if (!keeps) {
            throw error("node " + nodeName(node) + " (Reshape) reshapes [N, " + (width > 0 ? width : "?") + "] to "
                    + shapeText(target) + "; fastnn accepts a Reshape only where it keeps [N, width]");
        }
    }

    private long[] reshapeTarget(NodeProto node) throws ModelFileException {
        if (node.getInputCount() != 2) {
            throw error("node " + nodeName(node) + " (Reshape) has " + node.getInputCount() + " inputs; fastnn reads"
                    + " the form with a constant shape input (opset 5 and later)");
        }
        TensorProto t = constant(node, node.getInput(1), "shape");
        try {
            return TensorData.readIntegers(t);
        } catch (TensorException e) {
            throw error("node " + nodeName(node) + " (Reshape): " + e.getMessage());
        }
    }

    /** The optional label branch: ArgMax of the chain's end, then at most a lookup, Reshape, Cast, Identity. */
    private record LabelBranch(String output, TensorProto labels) {
    }

    private LabelBranch labelBranch(Chain chain) throws ModelFileException {
        List<NodeProto> argMaxes = new ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("ArgMax")) {
                argMaxes.add(node);
            }
        }
        for (ValueInfoProto out : graph.getOutputList()) {
            if (!out.getName().equals(chain.output) && argMaxes.isEmpty()) {
                throw error("graph output '" + out.getName() + "' is not computed by the MLP chain; fastnn models have"
                        + " one output and, for a classifier, a label");
            }
        }
        if (argMaxes.isEmpty()) {
            return null;
        }
        if (argMaxes.size() > 1) {
            throw error("the graph has " + argMaxes.size() + " ArgMax nodes; fastnn accepts one, for the label");
        }
        NodeProto argMax = argMaxes.get(0);
        used.add(argMax);
        if (argMax.getInputCount() != 1) {
            throw error("node " + nodeName(argMax) + " (ArgMax) has " + argMax.getInputCount() + " inputs, needs 1");
        }
        if (!chain.tail.contains(argMax.getInput(0))) {
            throw error("node " + nodeName(argMax) + " (ArgMax) reads '" + argMax.getInput(0) + "', not the output"
                    + " of the last layer; fastnn accepts ArgMax only for the predicted label");
        }
        long axis = intAttribute(argMax, "axis", 0);
        if (axis != 1 && axis != -1) {
            throw error("node " + nodeName(argMax) + " (ArgMax) has axis " + axis + "; the label is the argmax over"
                    + " the classes (axis 1 or -1)");
        }
        if (intAttribute(argMax, "select_last_index", 0) != 0) {
            throw error("node " + nodeName(argMax) + " (ArgMax) picks the last of equal maxima; fastnn picks the first");
        }
        String value = argMax.getOutput(0);
        TensorProto labels = null;
        while (true) {
            List<NodeProto> next = consumers.getOrDefault(value, List.of());
            if (next.isEmpty()) {
                break;
            }
            if (next.size() > 1 || graphOutputs.contains(value)) {
                throw error("the label branch forks at '" + value + "'; fastnn accepts one label output");
            }
            NodeProto node = next.get(0);
            used.add(node);
            switch (node.getOpType()) {
                case "Gather", "ArrayFeatureExtractor" -> {
                    if (labels != null || node.getInputCount() != 2 || !node.getInput(1).equals(value)) {
                        throw error("node " + nodeName(node) + " (" + node.getOpType() + ") is not a lookup of the"
                                + " class labels by the predicted class");
                    }
                    labels = constant(node, node.getInput(0), "class labels");
                    if (node.getOpType().equals("Gather") && intAttribute(node, "axis", 0) != 0) {
                        throw error("node " + nodeName(node) + " (Gather) has axis " + intAttribute(node, "axis", 0)
                                + "; a lookup of the class labels has axis 0");
                    }
                }
                case "Reshape" -> {
                    long[] target = reshapeTarget(node);
                    if (!(target.length == 1 && target[0] == -1)) {
                        throw error("node " + nodeName(node) + " (Reshape) reshapes the label to " + shapeText(target)
                                + "; fastnn accepts [-1] there");
                    }
                }
                case "Cast", "Identity" -> { }
                default -> throw error("node " + nodeName(node) + " (" + node.getOpType() + ") cannot be part of the"
                        + " label branch");
            }
            value = node.getOutput(0);
        }
        if (!graphOutputs.contains(value)) {
            throw error("the label branch ends at '" + value + "', which is not a graph output");
        }
        for (ValueInfoProto out : graph.getOutputList()) {
            if (!out.getName().equals(chain.output) && !out.getName().equals(value)) {
                throw error("graph output '" + out.getName() + "' is neither the MLP's output nor its label");
            }
        }
        return new LabelBranch(value, labels);
    }

    private void checkEverythingUsed() throws ModelFileException {
        List<String> unused = new ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            if (!used.contains(node)) {
                unused.add(nodeName(node) + " (" + node.getOpType() + ")");
            }
        }
        if (!unused.isEmpty()) {
            throw error("nodes " + unused + " are not part of the MLP chain from the input to the output");
        }
    }

    private Map<String, String> properties() throws ModelFileException {
        Map<String, String> props = new LinkedHashMap<>();
        for (StringStringEntryProto e : onnx.getMetadataPropsList()) {
            if (props.put(e.getKey(), e.getValue()) != null) {
                throw error("metadata_props key '" + e.getKey() + "' appears twice");
            }
        }
        return props;
    }

    private static Activation activation(String op) {
        return switch (op) {
            case "Sigmoid" -> Activation.SIGMOID;
            case "Tanh" -> Activation.TANH;
            case "Relu" -> Activation.RELU;
            case "Softmax" -> Activation.SOFTMAX;
            default -> throw new IllegalArgumentException(op + " is not an activation");
        };
    }

    private int flattenedWidth(long[] shape, String name) throws ModelFileException {
        long width = 1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] <= 0) {
                return -1;
            }
            width *= shape[i];
            if (width > Integer.MAX_VALUE) {
                throw error("input '" + name + "' of shape " + shapeText(shape) + " has too many features");
            }
        }
        return (int) width;
    }

    /** The declared shape, unknown dimensions as -1; null when the input declares no shape. */
    private static long[] shape(ValueInfoProto value) {
        TypeProto type = value.getType();
        if (!type.hasTensorType() || !type.getTensorType().hasShape()) {
            return null;
        }
        TensorShapeProto shape = type.getTensorType().getShape();
        long[] dims = new long[shape.getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = shape.getDim(i);
            dims[i] = d.hasDimValue() ? d.getDimValue() : -1;
        }
        return dims;
    }

    private static long intAttribute(NodeProto node, String name, long otherwise) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return otherwise;
    }

    private static float floatAttribute(NodeProto node, String name, float otherwise) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return otherwise;
    }

    private static long[] intsAttribute(NodeProto node, String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return null;
    }

    private String nodeName(NodeProto node) {
        return node.getName().isEmpty() ? "#" + indices.get(node) : "'" + node.getName() + "'";
    }

    private static String shapeText(long[] dims) {
        if (dims == null) {
            return "unknown";
        }
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            s.append(i == 0 ? "" : ", ").append(dims[i] < 0 ? "?" : Long.toString(dims[i]));
        }
        return s.append(']').toString();
    }

    private ModelFileException error(String problem) {
        return OnnxModelFile.problem(file, problem);
    }
}
