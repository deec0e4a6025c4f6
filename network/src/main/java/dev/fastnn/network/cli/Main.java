package dev.fastnn.network.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * The {@code fastnn} command line. {@link #run} does the work and returns the exit status (0 done, 1 the
 * work failed, 2 bad arguments), so that tests and embedding code can call it; only {@link #main} exits.
 */
public final class Main {
    static final String USAGE = """
            usage: fastnn COMMAND [OPTIONS]

            commands:
              xor       the article's network (3-4-1 sigmoid, no biases, SSE, learning rate 1) on XOR
                        [--backend NAME] [--threads N] [--iterations N] [--seed S] [--json] [--plot FILE.png]
              backends  the backends, whether each can run here and why not, and what auto picks
              train     train a network on Fashion-MNIST or a CSV file
                        --dataset fashion-mnist [--data-dir DIR] | --csv FILE [--test-csv FILE]
                        --layers 784,256,10 [--activation sigmoid|tanh|relu|identity]
                        [--loss cross-entropy|mse|sse] [--initializer xavier|he|uniform]
                        [--optimizer sgd|momentum|adam] [--lr 0.5] [--batch 128] [--epochs 10]
                        [--backend NAME] [--threads N] [--seed S] [--limit N]
                        [--out model.fnn] [--plot loss.png] [--metrics metrics.json]
              evaluate  accuracy and confusion matrix of a saved model
                        --model m.fnn (--dataset fashion-mnist [--data-dir DIR] | --csv FILE)
                        [--backend NAME] [--threads N] [--limit N]
              predict   a saved model's predictions for the rows of a CSV file (features only)
                        --model m.fnn --csv in.csv [--out preds.csv] [--backend NAME] [--threads N]
              help      this text

            CSV options (train, evaluate, predict): [--label-column N|last] (train/evaluate, default 0)
                        [--divisor D] (features are divided by D, e.g. 255 for raw pixels)
            backends: auto (default, or -Dfastnn.backend=NAME), naive, vector, aparapi
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns its exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        try {
            Command command = switch (args[0]) {
                case "xor" -> XorCommand.parse(args);
                case "backends" -> BackendsCommand.parse(args);
                case "train" -> TrainCommand.parse(args);
                case "evaluate" -> EvaluateCommand.parse(args);
                case "predict" -> PredictCommand.parse(args);
                case "help", "-h", "--help" -> (o, e) -> {
                    o.print(USAGE);
                    return 0;
                };
                default -> throw new UsageException("unknown command '" + args[0] + "'");
            };
            return command.run(out, err);
        } catch (UsageException e) {
            err.println("fastnn: " + e.getMessage());
            err.println();
            err.print(USAGE);
            return 2;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            err.println("fastnn: " + e.getMessage());
            return 1;
        }
    }

    /** A parsed command, ready to run. */
    interface Command {
        int run(PrintStream out, PrintStream err) throws IOException;
    }
}
