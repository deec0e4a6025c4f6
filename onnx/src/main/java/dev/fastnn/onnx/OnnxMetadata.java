package dev.fastnn.onnx;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.fastnn.network.io.ModelFileException;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.network.model.Task;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything of a fastnn model that is neither a weight nor a class label, as ONNX {@code metadata_props}
 * (string keys and values; the table is in {@code docs/onnx.md}), and back, exactly. The class labels are
 * in the graph itself, as the constant the {@code label} output is looked up in. {@value #EXPORT_KEY} marks
 * a file fastnn exported and names the version of this mapping; a file without it came from another exporter
 * and its own properties are kept under {@value #FOREIGN_PREFIX}.
 *
 * <p>Lists are JSON arrays (feature names as strings, means and scales as numbers), so any language reads
 * them with its JSON parser; floats are written as Java's {@code Float.toString}, which reads back to the same
 * float.
 */
final class OnnxMetadata {
    /** The version of this mapping; a reader refuses versions it does not know. */
    static final String EXPORT_KEY = "fastnn.export";
    static final String EXPORT_VERSION = "1";
    static final String TASK_KEY = "fastnn.task";
    static final String FEATURE_NAMES_KEY = "fastnn.feature-names";
    static final String DIVISOR_KEY = "fastnn.preprocessing.divisor";
    static final String MEAN_KEY = "fastnn.preprocessing.mean";
    static final String SCALE_KEY = "fastnn.preprocessing.scale";
    /** Each entry of the model's free-form metadata (trainer settings, loss, backend). */
    static final String METADATA_PREFIX = "fastnn.metadata.";
    /** Where an import from another exporter keeps that file's producer and properties. */
    static final String FOREIGN_PREFIX = "onnx.";

    private OnnxMetadata() {
    }

    /**
     * The properties of an export, in the order they are written: sorted by key, so that a model always
     * gives the same file, and {@value #EXPORT_KEY} last, so that a file cut short anywhere in them lacks it.
     */
    static Map<String, String> toProperties(ModelParameters model) {
        Map<String, String> sorted = new TreeMap<>();
        sorted.put(TASK_KEY, model.task().id());
        if (!model.featureNames().isEmpty()) {
            JsonArray names = new JsonArray();
            model.featureNames().forEach(names::add);
            sorted.put(FEATURE_NAMES_KEY, names.toString());
        }
        Preprocessing preprocessing = model.preprocessing();
        sorted.put(DIVISOR_KEY, Float.toString(preprocessing.divisor()));
        if (preprocessing.isStandardized()) {
            sorted.put(MEAN_KEY, floats(preprocessing.mean()));
            sorted.put(SCALE_KEY, floats(preprocessing.scale()));
        }
        for (Map.Entry<String, String> e : model.metadata().entrySet()) {
            sorted.put(METADATA_PREFIX + e.getKey(), e.getValue());
        }
        Map<String, String> props = new LinkedHashMap<>(sorted);
        props.put(EXPORT_KEY, EXPORT_VERSION);
        return props;
    }

    private static String floats(float[] values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ",").append(values[i]);
        }
        return s.append(']').toString();
    }

    /**
     * Whether the model came from fastnn's exporter: its {@code domain} says so ({@link OnnxModelFile#DOMAIN})
     * or its properties do. A fastnn domain without {@value #EXPORT_KEY} is a file cut short.
     */
    static boolean isFastnnExport(String domain, Map<String, String> props, Path file) throws ModelFileException {
        if (domain.equals(OnnxModelFile.DOMAIN) && !props.containsKey(EXPORT_KEY)) {
            throw OnnxModelFile.problem(file, "truncated: the model was exported by fastnn (domain " + domain
                    + ") but its metadata_props end before " + EXPORT_KEY);
        }
        return props.containsKey(EXPORT_KEY);
    }

    /** What the properties of a fastnn export say, read back exactly. */
    record Exported(Task task, List<String> featureNames, Preprocessing preprocessing, Map<String, String> metadata) {
    }

    static Exported read(Map<String, String> props, Path file) throws ModelFileException {
        String version = props.get(EXPORT_KEY);
        if (!EXPORT_VERSION.equals(version)) {
            throw OnnxModelFile.problem(file, "metadata_props " + EXPORT_KEY + " = '" + version + "' is a version of"
                    + " fastnn's ONNX mapping this fastnn does not read (it reads " + EXPORT_VERSION + ")");
        }
        Task task;
        try {
            task = Task.parse(required(props, TASK_KEY, file));
        } catch (IllegalArgumentException e) {
            throw OnnxModelFile.problem(file, "metadata_props " + TASK_KEY + ": " + e.getMessage());
        }
        List<String> names = new ArrayList<>();
        if (props.containsKey(FEATURE_NAMES_KEY)) {
            for (JsonElement e : jsonArray(props, FEATURE_NAMES_KEY, file)) {
                if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                    throw OnnxModelFile.problem(file, "metadata_props " + FEATURE_NAMES_KEY + " holds " + e
                            + ", not a string");
                }
                names.add(e.getAsString());
            }
        }
        float divisor = parseFloat(required(props, DIVISOR_KEY, file), DIVISOR_KEY, file);
        Preprocessing preprocessing;
        try {
            if (props.containsKey(MEAN_KEY) || props.containsKey(SCALE_KEY)) {
                preprocessing = Preprocessing.standardized(divisor, floatArray(props, MEAN_KEY, file),
                        floatArray(props, SCALE_KEY, file));
            } else {
                preprocessing = Preprocessing.divisor(divisor);
            }
        } catch (IllegalArgumentException e) {
            throw OnnxModelFile.problem(file, "metadata_props fastnn.preprocessing: " + e.getMessage());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            if (e.getKey().startsWith(METADATA_PREFIX)) {
                metadata.put(e.getKey().substring(METADATA_PREFIX.length()), e.getValue());
            }
        }
        return new Exported(task, names, preprocessing, metadata);
    }

    private static String required(Map<String, String> props, String key, Path file) throws ModelFileException {
        String value = props.get(key);
        if (value == null) {
            throw OnnxModelFile.problem(file, "metadata_props of a fastnn export lack " + key);
        }
        return value;
    }

    private static JsonArray jsonArray(Map<String, String> props, String key, Path file) throws ModelFileException {
        String text = required(props, key, file);
        try {
            JsonElement json = JsonParser.parseString(text);
            if (json.isJsonArray()) {
                return json.getAsJsonArray();
            }
        } catch (JsonParseException e) {
            // reported below, with the key
        }
        throw OnnxModelFile.problem(file, "metadata_props " + key + " is not a JSON array: " + abbreviated(text));
    }

    private static float[] floatArray(Map<String, String> props, String key, Path file) throws ModelFileException {
        JsonArray array = jsonArray(props, key, file);
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonElement e = array.get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw OnnxModelFile.problem(file, "metadata_props " + key + " holds " + abbreviated(e.toString())
                        + " at index " + i + ", not a number");
            }
            // The number's text, not Gson's double: parsing the shortest float text as a float is exact.
            values[i] = parseFloat(e.getAsJsonPrimitive().getAsString(), key, file);
        }
        return values;
    }

    private static float parseFloat(String text, String key, Path file) throws ModelFileException {
        try {
            return Float.parseFloat(text);
        } catch (NumberFormatException e) {
            throw OnnxModelFile.problem(file, "metadata_props " + key + " holds '" + abbreviated(text)
                    + "', not a number");
        }
    }

    private static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    /** The metadata of a model from another exporter: where it came from, and its properties. */
    static Map<String, String> foreignMetadata(String producerName, String producerVersion, Map<String, String> props) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (!producerName.isEmpty()) {
            metadata.put(FOREIGN_PREFIX + "producer_name", producerName);
        }
        if (!producerVersion.isEmpty()) {
            metadata.put(FOREIGN_PREFIX + "producer_version", producerVersion);
        }
        for (Map.Entry<String, String> e : props.entrySet()) {
            metadata.put(FOREIGN_PREFIX + "metadata_props." + e.getKey(), e.getValue());
        }
        return metadata;
    }
}
