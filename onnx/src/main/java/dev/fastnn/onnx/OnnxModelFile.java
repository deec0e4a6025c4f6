package dev.fastnn.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.fastnn.network.io.AtomicFile;
import dev.fastnn.network.io.ModelFileException;
import dev.fastnn.network.model.ModelParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * fastnn models as ONNX files ({@code .onnx}), both ways; the graphs and the metadata mapping are described
 * in {@code docs/onnx.md}.
 *
 * <p>{@link #save} exports a model so that any ONNX runtime serves it: input {@value #INPUT} (float32,
 * {@code [N, features]}), one {@code Gemm} per dense layer with its activation, output {@value #PROBABILITIES}
 * and {@value #LABEL} (the original class label, an int64 or string tensor) for a classifier or
 * {@value #OUTPUT} for regression; opset {@value #OPSET}, IR version {@value #IR_VERSION}; everything else
 * the model file holds (task, feature names, preprocessing record, metadata) in {@code metadata_props}.
 * {@link #load} imports an MLP written by fastnn or by another exporter (PyTorch, scikit-learn) and refuses,
 * naming the nodes, any graph that is not one. A model saved and loaded back is the same model, bit for bit.
 */
public final class OnnxModelFile {
    /** The graph input: raw features, float32 {@code [N, features]}. */
    public static final String INPUT = "input";
    /** A classifier's output: the last layer's values (class probabilities for a softmax layer). */
    public static final String PROBABILITIES = "probabilities";
    /** A classifier's second output: the predicted class's original label, {@code [N]}, int64 or string. */
    public static final String LABEL = "label";
    /** The constant a classifier's class index is looked up in, when its labels are not the indices. */
    static final String CLASS_LABELS = "class_labels";
    /** A regression model's output. */
    public static final String OUTPUT = "output";
    /** The symbolic batch dimension. */
    static final String BATCH = "N";
    public static final int OPSET = 13;
    public static final int IR_VERSION = 7;
    static final String PRODUCER = "fastnn";
    /**
     * The model's {@code domain}. Protobuf writes it before the graph and the metadata, so a file cut short
     * after it still says it came from fastnn, and the missing metadata is noticed rather than lost.
     */
    static final String DOMAIN = "dev.fastnn";

    private OnnxModelFile() {
    }

    /** Writes {@code model} to {@code file} as ONNX, atomically (as {@code ModelFile.save} does). */
    public static void save(ModelParameters model, Path file) throws IOException {
        ModelProto onnx = toOnnx(model);
        AtomicFile.write(file, onnx::writeTo);
    }

    /** The ONNX model of {@code model}. */
    public static ModelProto toOnnx(ModelParameters model) {
        return OnnxExporter.export(Objects.requireNonNull(model, "model"));
    }

    /** Reads an ONNX file and imports its MLP; every error names {@code file} and what is wrong. */
    public static ModelParameters load(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file);
    }

    /** Parses and imports a whole file already in memory; {@code file} only names it in messages. */
    static ModelParameters decode(byte[] bytes, Path file) throws ModelFileException {
        if (bytes.length == 0) {
            throw problem(file, "empty file, not an ONNX model");
        }
        ModelProto onnx;
        try {
            onnx = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            // Protobuf's message is several sentences; its first says what broke.
            String first = e.getMessage() == null ? e.toString() : e.getMessage().split("\\.", 2)[0];
            String detail = first.isEmpty() ? first : Character.toLowerCase(first.charAt(0)) + first.substring(1);
            throw problem(file, "not a valid ONNX model, truncated or corrupt (" + detail + ")");
        }
        return fromOnnx(onnx, file);
    }

    /** Imports an ONNX model already in memory; {@code file} only names it in messages. */
    public static ModelParameters fromOnnx(ModelProto onnx, Path file) throws ModelFileException {
        return new OnnxImporter(onnx, file).importModel();
    }

    /**
     * The error for what is wrong with {@code file}, on one line: names taken from the file (nodes, values,
     * keys) may hold line breaks or other control characters, which are shown escaped.
     */
    static ModelFileException problem(Path file, String what) {
        StringBuilder s = new StringBuilder(what.length());
        what.codePoints().forEach(c -> {
            if (c == '\n') {
                s.append("\\n");
            } else if (Character.isISOControl(c)) {
                s.append(String.format("\\u%04x", c));
            } else {
                s.appendCodePoint(c);
            }
        });
        return new ModelFileException(file, s.toString());
    }
}
