package dev.fastnn.onnx.cli;

import dev.fastnn.network.cli.CommandFiles;
import dev.fastnn.network.cli.CommandProvider;
import dev.fastnn.network.cli.ModelOption;
import dev.fastnn.network.cli.UsageException;
import dev.fastnn.network.io.ModelFile;
import dev.fastnn.network.model.ModelParameters;
import dev.fastnn.onnx.OnnxModelFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Adds {@code fastnn export}: a saved model as an ONNX file. */
public final class ExportCommandProvider implements CommandProvider {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public Object command() {
        return new ExportCommand();
    }

    @Command(sortOptions = false, description = "Write a saved model as an ONNX file that any ONNX runtime serves: "
            + "input '" + OnnxModelFile.INPUT + "', outputs '" + OnnxModelFile.PROBABILITIES + "' and '"
            + OnnxModelFile.LABEL + "' (a classifier) or '" + OnnxModelFile.OUTPUT + "'.")
    static final class ExportCommand implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private ModelOption model;

        @Option(names = "--onnx", paramLabel = "FILE.onnx", required = true,
                description = "The ONNX file to write (replaced atomically).")
        private Path onnx;

        @Override
        public Integer call() throws IOException, UsageException {
            PrintWriter out = spec.commandLine().getOut();
            new CommandFiles(out, spec.commandLine().getErr()).input("--model", model.path()).output("--onnx", onnx)
                    .check();
            ModelParameters parameters = ModelFile.load(model.path());
            OnnxModelFile.save(parameters, onnx);
            out.println("exported " + model.path() + " to " + onnx + ": " + ModelSummary.describe(parameters));
            return 0;
        }
    }
}
