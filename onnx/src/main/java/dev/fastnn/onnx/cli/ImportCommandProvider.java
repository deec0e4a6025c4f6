package dev.fastnn.onnx.cli;

import dev.fastnn.network.cli.CommandFiles;
import dev.fastnn.network.cli.CommandProvider;
import dev.fastnn.network.cli.UsageException;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.onnx.OnnxModelFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Adds {@code fastnn import}: an MLP from an ONNX file as a fastnn model file. */
public final class ImportCommandProvider implements CommandProvider {
    @Override
    public String name() {
        return "import";
    }

    @Override
    public Object command() {
        return new ImportCommand();
    }

    @Command(sortOptions = false, description = "Read an MLP from an ONNX file (from fastnn, PyTorch or skl2onnx: "
            + "Gemm or MatMul+Add layers with Sigmoid, Tanh, Relu or Softmax) into a model file.")
    static final class ImportCommand implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--onnx", paramLabel = "FILE.onnx", required = true, description = "The ONNX file to read.")
        private Path onnx;

        @Option(names = "--out", paramLabel = "FILE.fnn", required = true,
                description = "The model file to write (replaced atomically).")
        private Path out;

        @Override
        public Integer call() throws IOException, UsageException {
            PrintWriter notes = spec.commandLine().getOut();
            new CommandFiles(notes, spec.commandLine().getErr()).input("--onnx", onnx).output("--out", out).check();
            ModelParameters parameters = OnnxModelFile.load(onnx);
            ModelFile.save(parameters, out);
            notes.println("imported " + onnx + " to " + out + ": " + ModelSummary.describe(parameters));
            return 0;
        }
    }
}
