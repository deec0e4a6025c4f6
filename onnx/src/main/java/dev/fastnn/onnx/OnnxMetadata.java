package dev.fastnn.onnx;

import dev.fastnn.network.io.ModelFileException;
import dev.fastnn.network.model.ModelParameters;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything of a fastnn model that is not a weight, as ONNX {@code metadata_props} (string keys and values,
 * the table in {@code docs/onnx.md}), and back. {@value #EXPORT_KEY} marks a file fastnn exported and names
 * the version of this mapping, so an import restores the model exactly; a file without it came from another
 * exporter and its own properties are kept under {@value #FOREIGN_PREFIX}.
 */
final class OnnxMetadata {
    /** The version of this mapping; a reader refuses versions it does not know. */
    static final String EXPORT_KEY = "fastnn.export";
    static final String EXPORT_VERSION = "1";
    /** Each entry of the model's free-form metadata (trainer settings, loss, seed, backend). */
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
        for (Map.Entry<String, String> e : model.metadata().entrySet()) {
            sorted.put(METADATA_PREFIX + e.getKey(), e.getValue());
        }
        Map<String, String> props = new LinkedHashMap<>(sorted);
        props.put(EXPORT_KEY, EXPORT_VERSION);
        return props;
    }

    /**
     * Whether the model came from fastnn's exporter: its {@code domain} says so ({@link OnnxModelFile#DOMAIN})
     * or its properties do. A fastnn domain without {@value #EXPORT_KEY} is a file cut short.
     */
    static boolean isFastnnExport(String domain, Map<String, String> props, Path file) throws ModelFileException {
        if (domain.equals(OnnxModelFile.DOMAIN) && !props.containsKey(EXPORT_KEY)) {
            throw new ModelFileException(file, "truncated: the model was exported by fastnn (domain " + domain
                    + ") but its metadata_props end before " + EXPORT_KEY);
        }
        return props.containsKey(EXPORT_KEY);
    }

    /** The model metadata of a fastnn export. */
    static Map<String, String> metadata(Map<String, String> props, Path file) throws ModelFileException {
        String version = props.get(EXPORT_KEY);
        if (!EXPORT_VERSION.equals(version)) {
            throw new ModelFileException(file, "metadata_props " + EXPORT_KEY + " = '" + version + "' is a version of"
                    + " fastnn's ONNX mapping this fastnn does not read (it reads " + EXPORT_VERSION + ")");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            if (e.getKey().startsWith(METADATA_PREFIX)) {
                metadata.put(e.getKey().substring(METADATA_PREFIX.length()), e.getValue());
            }
        }
        return metadata;
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
