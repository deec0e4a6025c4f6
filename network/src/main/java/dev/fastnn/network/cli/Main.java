package dev.fastnn.network.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code fastnn} command line, on picocli: each option is declared once, in its command or in a shared
 * mixin ({@link DataOptions}, {@link CsvOptions}, {@link BackendOptions}), and the help, the suggestions for
 * misspelt names and the checks of values come from those declarations. Modules add subcommands through
 * {@link CommandProvider}.
 *
 * <p>{@link #run} does the work and returns the exit status (0 done, 1 the work failed, 2 bad arguments), so
 * that tests and embedding code can call it; only {@link #main} exits. A usage error prints one line and a
 * hint to the command's help; a failure prints one line; neither prints a stack trace.
 */
@Command(name = "fastnn", versionProvider = Main.Version.class, synopsisSubcommandLabel = "COMMAND",
        description = "A neural-network trainer for the JVM whose hot paths are Vector API and OpenCL kernels.",
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done", "1:the work failed (a file, the data, the backend, memory)",
                "2:bad arguments (an unknown option, a value out of range)"},
        footer = {"", "'fastnn COMMAND --help' shows a command's options; a value follows its option as "
                + "--name VALUE or --name=VALUE.",
                "'./fastnn bench' runs the JMH benchmarks (benchmarks/README.md)."})
public final class Main implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Show the versions of fastnn and the JVM, "
            + "and exit.")
    private boolean version;

    @Spec
    private CommandSpec spec;

    private final boolean outIsSystemOut;

    private Main(boolean outIsSystemOut) {
        this.outIsSystemOut = outIsSystemOut;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command, writing to {@code out} and {@code err}; returns its exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter outWriter = writer(out);
        PrintWriter errWriter = writer(err);
        try {
            CommandLine cli = commandLine(new Main(out == System.out), errWriter);
            cli.setOut(outWriter);
            cli.setErr(errWriter);
            cli.setParameterExceptionHandler((e, a) -> usageError(e.getCommandLine(), describe(e)));
            cli.setExecutionExceptionHandler((e, command, parsed) -> e instanceof UsageException
                    ? usageError(command, e.getMessage()) : failure(command.getErr(), e));
            return cli.execute(args);
        } catch (RuntimeException | Error e) {
            return failure(errWriter, e);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /** Without a command there is nothing to do: a usage error that lists the commands. */
    @Override
    public Integer call() throws UsageException {
        throw new UsageException("no command given; the commands are "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** Whether this run writes to the process's standard output and that is a terminal (for progress bars). */
    boolean writesToTerminal() {
        return outIsSystemOut && System.console() != null;
    }

    /** The built-in commands, then those of every {@link CommandProvider} on the class path, then help. */
    private static CommandLine commandLine(Main root, PrintWriter err) {
        CommandLine cli = new CommandLine(root);
        for (Object command : List.of(new XorCommand(), new BackendsCommand(), new TrainCommand(),
                new EvaluateCommand(), new PredictCommand())) {
            cli.addSubcommand(command);
        }
        for (Iterator<CommandProvider> it = ServiceLoader.load(CommandProvider.class, Main.class.getClassLoader())
                .iterator(); ; ) {
            CommandProvider provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                err.println("fastnn: ignoring a command provider that cannot be loaded: " + e.getMessage());
                continue;
            }
            String name = provider.name();
            if (cli.getSubcommands().containsKey(name) || name.equals("help")) {
                err.println("fastnn: ignoring command '" + name + "' of " + provider.getClass().getName()
                        + ": fastnn has a command of that name");
                continue;
            }
            try {
                cli.addSubcommand(name, provider.command());
            } catch (CommandLine.InitializationException e) {
                err.println("fastnn: ignoring command '" + name + "' of " + provider.getClass().getName() + ": "
                        + e.getMessage());
            }
        }
        cli.addSubcommand("help", new CommandLine.HelpCommand());
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (!sub.getCommandSpec().optionsMap().containsKey("--help")) {
                sub.addMixin("help", new HelpOption());
            }
        }
        return cli;
    }

    /** {@code -h, --help} for every subcommand that does not declare its own. */
    static final class HelpOption {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        private boolean help;
    }

    private static int usageError(CommandLine command, String message) {
        PrintWriter err = command.getErr();
        err.println("fastnn: " + message);
        err.println("try '" + command.getCommandSpec().qualifiedName() + " --help'");
        return 2;
    }

    private static int failure(PrintWriter err, Throwable e) {
        err.println("fastnn: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getName()));
        return 1;
    }

    /** Picocli's complaint in one line, with its suggestions for a misspelt option or command. */
    static String describe(ParameterException e) {
        // Picocli checks required options before it reports unknown ones, but a misspelt name is the real news.
        List<String> unmatched = e.getCommandLine().getUnmatchedArguments();
        if (!(e instanceof UnmatchedArgumentException) && !unmatched.isEmpty()) {
            return describe(new UnmatchedArgumentException(e.getCommandLine(), unmatched));
        }
        if (e instanceof CommandLine.OverwrittenOptionException o) {
            String name = o.getOverwritten() instanceof OptionSpec option ? option.longestName()
                    : o.getOverwritten().paramLabel();
            return "'" + name + "' is given more than once";
        }
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            String typed = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String what;
            if (arg.startsWith("-")) {
                what = "unknown option '" + typed + "'";
            } else if (!u.getCommandLine().getSubcommands().isEmpty()) {
                what = "unknown command '" + arg + "'";
            } else {
                what = "unexpected argument '" + arg + "'";
            }
            // Picocli suggests every name that looks alike; the nearest ones by edit distance are the ones meant.
            int nearest = Integer.MAX_VALUE;
            List<String> quoted = new ArrayList<>();
            for (String s : u.getSuggestions()) {
                int d = editDistance(typed, s);
                if (d < nearest) {
                    nearest = d;
                    quoted.clear();
                }
                if (d == nearest) {
                    quoted.add("'" + s + "'");
                }
            }
            return quoted.isEmpty() ? what : what + "; did you mean " + String.join(" or ", quoted) + "?";
        }
        String message = e.getMessage().endsWith(".") ? e.getMessage().substring(0, e.getMessage().length() - 1)
                : e.getMessage();
        return message.isEmpty() ? message : message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    /**
     * A writer onto {@code stream} that keeps the stream's own encoding (picocli and the commands write
     * through writers; {@link #run} is given streams).
     */
    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) {
                stream.print(new String(buffer, offset, length));
            }

            @Override
            public void flush() {
                stream.flush();
            }

            @Override
            public void close() {
                stream.flush();
            }
        }, true);
    }

    /** {@code fastnn --version}: the Maven project version, filtered into {@code version.properties} by the build. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    throw new IOException("version.properties is missing from the class path: fastnn was not built "
                            + "by Maven");
                }
                p.load(in);
            }
            return new String[] {
                "fastnn " + p.getProperty("version"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                        + System.getProperty("java.vm.name") + ", " + System.getProperty("os.name") + " "
                        + System.getProperty("os.arch")
            };
        }
    }
}
