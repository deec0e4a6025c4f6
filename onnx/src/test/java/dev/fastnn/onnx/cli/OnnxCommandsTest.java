package dev.fastnn.onnx.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.fastnn.kernels.Activation;
import dev.fastnn.network.cli.Main;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.ClassLabels;
import dev.fastnn.network.model.Initializer;
import dev.fastnn.network.model.LayerParameters;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.network.model.Preprocessing;
import dev.fastnn.onnx.OnnxModelFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fastnn export} and {@code fastnn import}, found through the plug-in point as the launcher finds them. */
class OnnxCommandsTest {
    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
        static Run of(String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }

        /** A usage error or a failure: the status, and one line of message (a usage error adds a help hint). */
        void assertRefused(int expectedStatus, String... mentions) {
            assertEquals(expectedStatus, status, err);
            List<String> lines = err.lines().toList();
            assertEquals(expectedStatus == 2 ? 2 : 1, lines.size(), err);
            assertTrue(lines.get(0).startsWith("fastnn: "), err);
            for (String m : mentions) {
                assertTrue(lines.get(0).contains(m), "'" + m + "' missing from: " + err);
            }
        }
    }

    private Path savedModel() throws Exception {
        SplittableRandom random = new SplittableRandom(1);
        List<LayerParameters> layers = List.of(
                new LayerParameters(3, 4, Activation.TANH, Initializer.XAVIER.weights(3, 4, random), new float[4]),
                new LayerParameters(4, 2, Activation.SOFTMAX, Initializer.XAVIER.weights(4, 2, random), null));
        ModelParameters model = new ModelParameters(layers, ClassLabels.ofStrings("benign", "malignant"),
                List.of("radius", "texture", "area"), Preprocessing.divisor(16f), Map.of("loss", "cross-entropy"));
        Path file = dir.resolve("m.fnn");
        ModelFile.save(model, file);
        return file;
    }

    @Test
    void exportThenImportGivesTheSameModelFileByteForByte() throws Exception {
        Path model = savedModel();
        Path onnx = dir.resolve("m.onnx");
        Path back = dir.resolve("back.fnn");
        Run export = Run.of("export", "--model", model.toString(), "--onnx", onnx.toString());
        assertEquals(0, export.status, export.err);
        assertEquals("exported " + model + " to " + onnx + ": classifier of 2 classes (3-4-2 tanh/softmax with biases "
                + "on layer 1 only)\n", export.out);
        ModelProto written = ModelProto.parseFrom(Files.readAllBytes(onnx));
        assertEquals(List.of("Gemm", "Tanh", "Gemm", "Softmax", "ArgMax", "Gather"),
                written.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());

        Run imported = Run.of("import", "--onnx", onnx.toString(), "--out", back.toString());
        assertEquals(0, imported.status, imported.err);
        assertTrue(imported.out.startsWith("imported " + onnx + " to " + back + ": classifier of 2 classes"), imported.out);
        assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(back));
        assertEquals(List.of("back.fnn", "m.fnn", "m.onnx"), listing());
    }

    @Test
    void helpListsBothCommands() {
        Run help = Run.of("--help");
        assertEquals(0, help.status);
        assertTrue(help.out.contains("  export ") && help.out.contains("  import "), help.out);
    }

    @Test
    void missingOrUnknownOptionsAreUsageErrors() throws Exception {
        Path model = savedModel();
        Run.of("export", "--model", model.toString()).assertRefused(2, "--onnx");
        Run.of("import", "--out", dir.resolve("x.fnn").toString()).assertRefused(2, "--onnx");
        Run.of("export", "--model", model.toString(), "--onnx", "x.onnx", "--opset", "11").assertRefused(2, "--opset");
        Run.of("import", "--onnx", "a.onnx", "--output", "b.fnn").assertRefused(2, "--output");
    }

    @Test
    void filesThatCannotBeReadFailNamingTheFileAndLeaveNothingBehind() throws Exception {
        Path missing = dir.resolve("missing.fnn");
        Run.of("export", "--model", missing.toString(), "--onnx", dir.resolve("x.onnx").toString())
                .assertRefused(1, missing.toString());

        Path notOnnx = savedModel();
        Run.of("import", "--onnx", notOnnx.toString(), "--out", dir.resolve("y.fnn").toString())
                .assertRefused(1, notOnnx.toString(), "not a valid ONNX model");

        Path onnx = dir.resolve("m.onnx");
        OnnxModelFile.save(ModelFile.load(notOnnx), onnx);
        byte[] bytes = Files.readAllBytes(onnx);
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        Run.of("import", "--onnx", cut.toString(), "--out", dir.resolve("z.fnn").toString())
                .assertRefused(1, cut.toString(), "truncated");

        ModelProto conv = ModelProto.parseFrom(bytes).toBuilder()
                .setGraph(ModelProto.parseFrom(bytes).getGraph().toBuilder().setNode(1, NodeProto.newBuilder()
                        .setOpType("Conv").setName("conv0").addInput("dense0.linear").addInput("dense0.weight")
                        .addOutput("dense0.output"))).build();
        Path convFile = dir.resolve("conv.onnx");
        Files.write(convFile, conv.toByteArray());
        Run.of("import", "--onnx", convFile.toString(), "--out", dir.resolve("w.fnn").toString())
                .assertRefused(1, convFile.toString(), "Conv in node 'conv0'");

        assertEquals(List.of("conv.onnx", "cut.onnx", "m.fnn", "m.onnx"), listing());
    }

    @Test
    void anOutputThatCannotBeWrittenFailsNamingIt() throws Exception {
        Path model = savedModel();
        Path noDir = dir.resolve("no/such/dir/m.onnx");
        Run.of("export", "--model", model.toString(), "--onnx", noDir.toString()).assertRefused(1, noDir.toString());
        Run.of("export", "--model", model.toString(), "--onnx", dir.toString()).assertRefused(1, dir.toString());
        assertFalse(Files.exists(noDir));
    }

    @Test
    void anOutputNamingTheInputIsAUsageErrorAndTheInputIsKept() throws Exception {
        Path model = savedModel();
        byte[] before = Files.readAllBytes(model);
        Run.of("export", "--model", model.toString(), "--onnx", model.toString())
                .assertRefused(2, "--onnx", "--model", model.toString());
        assertArrayEquals(before, Files.readAllBytes(model));

        Path onnx = dir.resolve("m.onnx");
        OnnxModelFile.save(ModelFile.load(model), onnx);
        byte[] onnxBefore = Files.readAllBytes(onnx);
        Run.of("import", "--onnx", onnx.toString(), "--out", dir.resolve(".").resolve("m.onnx").toString())
                .assertRefused(2, "--out", "--onnx");
        assertArrayEquals(onnxBefore, Files.readAllBytes(onnx));
        assertEquals(List.of("m.fnn", "m.onnx"), listing());
    }

    /** The directory's files, hidden ones included: a temporary file left behind would show here. */
    private List<String> listing() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
