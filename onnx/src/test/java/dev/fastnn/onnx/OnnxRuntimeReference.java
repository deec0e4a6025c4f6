package dev.fastnn.onnx;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * ONNX Runtime, the independent reference that exported models are run in. Its jar carries the native
 * library; where that cannot load (an unsupported platform, a missing libc) the calling test is skipped
 * with the reason, unless {@code -Dfastnn.requireOnnxRuntime=true} (set by CI): then it fails, so CI never
 * passes by skipping the reference. Tests call {@link #require} themselves rather than assuming at class
 * level, so a skip is counted as one (a class-level assumption reports "Tests run: 0").
 */
final class OnnxRuntimeReference {
    static final String REQUIRE = "fastnn.requireOnnxRuntime";

    private OnnxRuntimeReference() {
    }

    /** Skips (or under {@value #REQUIRE}, fails) the calling test when ONNX Runtime cannot run here. */
    static void require() {
        if (Loaded.PROBLEM != null) {
            String reason = "ONNX Runtime's native library cannot load here: " + Loaded.PROBLEM;
            if (Boolean.getBoolean(REQUIRE)) {
                fail("-D" + REQUIRE + "=true but " + reason);
            }
            assumeTrue(false, "skipped: " + reason);
        }
    }

    /**
     * Runs the serialized {@code model} on {@code rows x cols} inputs fed to its input {@code input}; returns
     * every output by name: a float matrix as row-major {@code float[]}, a label vector as {@code long[]} or
     * {@code String[]}.
     */
    static Map<String, Object> run(byte[] model, String input, float[] x, long... shape) throws OrtException {
        require();
        OrtEnvironment env = Loaded.ENVIRONMENT;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options);
                 OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                 OrtSession.Result result = session.run(Map.of(input, tensor))) {
                Map<String, Object> outputs = new HashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    outputs.put(e.getKey(), flatten(e.getValue().getValue()));
                }
                return outputs;
            }
        }
    }

    /** The custom metadata ({@code metadata_props}) ONNX Runtime reads from the serialized {@code model}. */
    static Map<String, String> customMetadata(byte[] model) throws OrtException {
        require();
        try (OrtSession session = Loaded.ENVIRONMENT.createSession(model)) {
            return session.getMetadata().getCustomMetadata();
        }
    }

    private static Object flatten(Object value) {
        if (value instanceof float[][] m) {
            int cols = m.length == 0 ? 0 : m[0].length;
            float[] flat = new float[m.length * cols];
            for (int i = 0; i < m.length; i++) {
                System.arraycopy(m[i], 0, flat, i * cols, cols);
            }
            return flat;
        }
        return value;
    }

    private static final class Loaded {
        static final OrtEnvironment ENVIRONMENT;
        static final String PROBLEM;

        static {
            OrtEnvironment env = null;
            String problem = null;
            try {
                env = OrtEnvironment.getEnvironment();
            } catch (LinkageError | RuntimeException e) {
                // The loader's own error is wrapped in an ExceptionInInitializerError; its cause says what failed.
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                problem = root.toString();
            }
            ENVIRONMENT = env;
            PROBLEM = problem;
        }
    }
}
