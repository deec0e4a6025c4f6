package dev.fastnn.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.fastnn.kernels.Activation;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Task;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the ONNX graph of a fastnn model (see {@code docs/onnx.md}): one {@code Gemm} per dense layer with
 * the stored weights as {@code B} (fastnn's {@code inputs x outputs} row-major matrix is exactly Gemm's
 * {@code B} with {@code transB = 0}, so no value is touched: the preprocessing the model file records is
 * already folded into the first layer's), then the layer's activation node, and for a classifier an
 * {@code ArgMax} that gives the predicted class, mapped to the original class labels.
 */
final class OnnxExporter {
    private OnnxExporter() {
    }

    static ModelProto export(ModelParameters model) {
        List<LayerParameters> layers = model.layers();
        boolean classifier = model.task() == Task.CLASSIFICATION;
        String result = classifier ? OnnxModelFile.PROBABILITIES : OnnxModelFile.OUTPUT;
        int outputs = layers.get(layers.size() - 1).outputs();

        GraphProto.Builder graph = GraphProto.newBuilder().setName("fastnn");
        graph.addInput(tensorInfo(OnnxModelFile.INPUT, DataType.FLOAT, layers.get(0).inputs()));
        String x = OnnxModelFile.INPUT;
        for (int l = 0; l < layers.size(); l++) {
            LayerParameters layer = layers.get(l);
            String prefix = "dense" + l;
            boolean last = l == layers.size() - 1;
            String weights = prefix + ".weight";
            graph.addInitializer(TensorData.floats(weights, layer.weights(), layer.inputs(), layer.outputs()));
            NodeProto.Builder gemm = node("Gemm", prefix + ".gemm").addInput(x).addInput(weights);
            if (layer.hasBiases()) {
                String biases = prefix + ".bias";
                graph.addInitializer(TensorData.floats(biases, layer.biases(), layer.outputs()));
                gemm.addInput(biases);
            }
            boolean activated = layer.activation() != Activation.IDENTITY;
            String linear = last && !activated ? result : prefix + ".linear";
            graph.addNode(gemm.addOutput(linear));
            x = linear;
            if (activated) {
                String out = last ? result : prefix + ".output";
                graph.addNode(activation(layer.activation(), prefix, linear, out));
                x = out;
            }
        }
        graph.addOutput(tensorInfo(result, DataType.FLOAT, outputs));
        if (classifier) {
            addLabel(graph, result, model.classLabels());
        }

        ModelProto.Builder onnx = ModelProto.newBuilder()
                .setIrVersion(OnnxModelFile.IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxModelFile.OPSET))
                .setProducerName(OnnxModelFile.PRODUCER)
                .setDomain(OnnxModelFile.DOMAIN)
                .setGraph(graph);
        for (Map.Entry<String, String> e : OnnxMetadata.toProperties(model).entrySet()) {
            onnx.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return onnx.build();
    }

    /**
     * The {@value OnnxModelFile#LABEL} output: the class index ArgMax picks (the first of equal maxima, as
     * fastnn's), looked up in the class labels unless they are the indices themselves.
     */
    private static void addLabel(GraphProto.Builder graph, String scores, ClassLabels labels) {
        boolean lookup = !labels.isIndices();
        String index = lookup ? "label.index" : OnnxModelFile.LABEL;
        graph.addNode(node("ArgMax", "label.argmax").addInput(scores).addOutput(index)
                .addAttribute(intAttribute("axis", 1)).addAttribute(intAttribute("keepdims", 0)));
        DataType type = labels.kind() == ClassLabels.Kind.STRING ? DataType.STRING : DataType.INT64;
        if (lookup) {
            String constant = OnnxModelFile.CLASS_LABELS;
            if (type == DataType.STRING) {
                graph.addInitializer(TensorData.strings(constant, labels.values(), labels.size()));
            } else {
                long[] values = new long[labels.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = labels.integer(i);
                }
                graph.addInitializer(TensorData.longs(constant, values, labels.size()));
            }
            graph.addNode(node("Gather", "label.lookup").addInput(constant).addInput(index)
                    .addOutput(OnnxModelFile.LABEL).addAttribute(intAttribute("axis", 0)));
        }
        graph.addOutput(tensorInfo(OnnxModelFile.LABEL, type));
    }

    private static NodeProto activation(Activation activation, String prefix, String in, String out) {
        String op = switch (activation) {
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
            case RELU -> "Relu";
            case SOFTMAX -> "Softmax";
            case IDENTITY -> throw new IllegalArgumentException("identity has no node");
        };
        NodeProto.Builder node = node(op, prefix + "." + op.toLowerCase(Locale.ROOT)).addInput(in).addOutput(out);
        if (activation == Activation.SOFTMAX) {
            node.addAttribute(intAttribute("axis", -1));
        }
        return node.build();
    }

    private static NodeProto.Builder node(String op, String name) {
        return NodeProto.newBuilder().setOpType(op).setName(name);
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
    }

    /** A tensor of the batch: first dimension the symbolic {@code N}, then {@code columns} if given. */
    private static ValueInfoProto tensorInfo(String name, DataType type, int... columns) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(OnnxModelFile.BATCH));
        for (int c : columns) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(c));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }
}
