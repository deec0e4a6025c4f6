package dev.fastnn.network.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code fastnn} command line, on picocli: each option is declared once, in its command or in a shared
 * mixin ({@link DataOptions}, {@link CsvOptions}, {@link BackendOptions}), and the help, the suggestions for
 * misspelt names and the checks of values come from those declarations (picocli's complaints are worded by
 * {@link UsageMessages}, failures by {@link ErrorMessages}). Modules add subcommands through
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
    private final NoticeHandler notices;
    private boolean verbose;

    private Main(boolean outIsSystemOut, NoticeHandler notices) {
        this.outIsSystemOut = outIsSystemOut;
        this.notices = notices;
    }

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Also show fastnn's info and debug notices, and the stack trace of a failure.")
    private void verbose(boolean on) {
        verbose = on;
        notices.verbose(on);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command, writing to {@code out} and {@code err}; returns its exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter outWriter = writer(out);
        PrintWriter errWriter = writer(err);
        NoticeHandler notices = new NoticeHandler(errWriter);
        Main root = new Main(out == System.out, notices);
        try {
            CommandLine cli = commandLine(root, errWriter);
            cli.setOut(outWriter);
            cli.setErr(errWriter);
            cli.setParameterExceptionHandler((e, a) -> usageError(e.getCommandLine(), UsageMessages.describe(e)));
            cli.setExecutionExceptionHandler((e, command, parsed) -> e instanceof UsageException
                    ? usageError(command, e.getMessage()) : root.failure(errWriter, e));
            return cli.execute(args);
        } catch (RuntimeException | Error e) {
            return root.failure(errWriter, e);
        } finally {
            notices.close();
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
        return outIsSystemOut && stdoutIsTerminal();
    }

    /**
     * Up to JDK 21 {@link System#console()} exists only when standard input and output are a terminal. From
     * JDK 22 it exists even when they are redirected, and {@code Console.isTerminal()} (new in 22, so called
     * reflectively: fastnn compiles for 17) tells.
     */
    static boolean stdoutIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
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

    private int failure(PrintWriter err, Throwable e) {
        String line = "fastnn: " + ErrorMessages.describe(e);
        err.println(verbose || !ErrorMessages.isUnexpected(e) ? line : line + " (--verbose shows where)");
        if (verbose) {
            e.printStackTrace(err);
        }
        return 1;
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
