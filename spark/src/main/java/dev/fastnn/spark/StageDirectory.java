package dev.fastnn.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.io.ModelFileException;
import dev.fastnn.network.model.ModelParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;

/**
 * A saved Spark ML stage, laid out as Spark saves its own so that pipelines holding fastnn stages save and
 * load like any other: {@code PATH/metadata/part-00000} is one line of JSON with the stage's class, uid,
 * Spark version and param values ({@code paramMap} for those set, {@code defaultParamMap} for defaults), and
 * a Model adds {@code PATH/data/model.fnn}, a fastnn model file that plain fastnn loads as it is. Files go
 * through Hadoop's file systems, so any path Spark can write (local, HDFS, object stores) works.
 */
final class StageDirectory {
    static final String METADATA = "metadata";
    static final String METADATA_FILE = "part-00000";
    static final String MODEL_FILE = "data/model.fnn";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StageDirectory() {
    }

    /** Saves {@code stage}'s metadata, and {@code model} when it is not null. */
    static final class Writer extends MLWriter {
        private final Params stage;
        private final ModelParameters model;

        Writer(Params stage, ModelParameters model) {
            this.stage = stage;
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            try {
                writeMetadata(stage, path, sc());
                if (model != null) {
                    writeModelFile(model, new Path(path, MODEL_FILE), sc().hadoopConfiguration());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save " + stage.uid() + " to " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Loads a stage of class {@code type} saved by {@link Writer}: {@code create} makes it from the saved uid
     * and model file (null for an Estimator, which has none); then the saved params are set on it.
     */
    static final class Reader<T extends Params> extends MLReader<T> {
        private final Class<T> type;
        private final boolean hasModel;
        private final BiFunction<String, ModelParameters, T> create;

        Reader(Class<T> type, boolean hasModel, BiFunction<String, ModelParameters, T> create) {
            this.type = type;
            this.hasModel = hasModel;
            this.create = create;
        }

        @Override
        public T load(String path) {
            try {
                JsonNode metadata = readMetadata(path, sc(), type);
                ModelParameters model = hasModel ? readModelFile(new Path(path, MODEL_FILE), sc().hadoopConfiguration())
                        : null;
                T stage = create.apply(metadata.get("uid").asText(), model);
                setParams(stage, metadata.get("defaultParamMap"), true, path);
                setParams(stage, metadata.get("paramMap"), false, path);
                return stage;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load a " + type.getSimpleName() + " from " + path + ": "
                        + e.getMessage(), e);
            }
        }
    }

    static void writeMetadata(Params stage, String path, SparkContext sc) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("class", stage.getClass().getName());
        json.put("timestamp", System.currentTimeMillis());
        json.put("sparkVersion", sc.version());
        json.put("uid", stage.uid());
        json.set("paramMap", paramsJson(stage.paramMap().toSeq(), stage));
        json.set("defaultParamMap", paramsJson(stage.defaultParamMap().toSeq(), stage));
        Path file = new Path(new Path(path, METADATA), METADATA_FILE);
        FileSystem fs = file.getFileSystem(sc.hadoopConfiguration());
        try (OutputStream out = fs.create(file, false)) {
            out.write((JSON.writeValueAsString(json) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static ObjectNode paramsJson(scala.collection.immutable.Seq<ParamPair<?>> pairs, Params stage)
            throws IOException {
        ObjectNode params = JSON.createObjectNode();
        scala.collection.Iterator<ParamPair<?>> it = pairs.iterator();
        while (it.hasNext()) {
            ParamPair<?> pair = it.next();
            params.set(pair.param().name(), JSON.readTree(encode(pair)));
        }
        return params;
    }

    @SuppressWarnings("unchecked")
    private static <T> String encode(ParamPair<T> pair) {
        return pair.param().jsonEncode(pair.value());
    }

    /** The metadata JSON of the stage saved at {@code path}, checked to be of class {@code type}. */
    static JsonNode readMetadata(String path, SparkContext sc, Class<?> type) throws IOException {
        Path dir = new Path(path, METADATA);
        FileSystem fs = dir.getFileSystem(sc.hadoopConfiguration());
        if (!fs.exists(dir)) {
            throw new IOException(path + " holds no saved Spark ML stage (no " + METADATA + " in it)");
        }
        String text = null;
        for (FileStatus f : fs.listStatus(dir)) {
            String name = f.getPath().getName();
            if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                try (InputStream in = fs.open(f.getPath())) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                break;
            }
        }
        if (text == null || text.isBlank()) {
            throw new IOException(dir + " is empty");
        }
        JsonNode json = JSON.readTree(text);
        String saved = json.path("class").asText("");
        if (!saved.equals(type.getName())) {
            throw new IOException(path + " holds a saved " + (saved.isEmpty() ? "stage of unknown class" : saved)
                    + ", not a " + type.getName());
        }
        if (!json.hasNonNull("uid")) {
            throw new IOException(dir + " has no uid");
        }
        return json;
    }

    private static void setParams(Params stage, JsonNode values, boolean defaults, String path) throws IOException {
        if (values == null) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : values.properties()) {
            if (!stage.hasParam(e.getKey())) {
                throw new IOException(path + " sets param '" + e.getKey() + "', which a "
                        + stage.getClass().getSimpleName() + " of this fastnn does not have");
            }
            Param<Object> param = stage.getParam(e.getKey());
            Object value = param.jsonDecode(JSON.writeValueAsString(e.getValue()));
            if (defaults) {
                stage.setDefault(param, value);
            } else {
                stage.set(param, value);
            }
        }
    }

    /** Writes {@code model} as a fastnn model file to {@code file} on its file system. */
    static void writeModelFile(ModelParameters model, Path file, Configuration conf) throws IOException {
        java.nio.file.Path dir = Files.createTempDirectory("fastnn-spark");
        java.nio.file.Path local = dir.resolve("model.fnn");
        try {
            ModelFile.save(model, local);
            file.getFileSystem(conf).copyFromLocalFile(true, false, new Path(local.toUri()), file);
        } finally {
            Files.deleteIfExists(local);
            Files.delete(dir);
        }
    }

    /** Reads the fastnn model file {@code file} from its file system. */
    static ModelParameters readModelFile(Path file, Configuration conf) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        if (!fs.exists(file)) {
            throw new IOException("the saved model has no model file " + file);
        }
        java.nio.file.Path dir = Files.createTempDirectory("fastnn-spark");
        java.nio.file.Path local = dir.resolve("model.fnn");
        try {
            try (InputStream in = fs.open(file)) {
                Files.copy(in, local);
            }
            return ModelFile.load(local);
        } catch (ModelFileException e) {
            // Its message starts with the local copy's name; the user knows the file by its own.
            throw new IOException(file + e.getMessage().substring(local.toString().length()), e);
        } finally {
            Files.deleteIfExists(local);
            Files.delete(dir);
        }
    }
}
