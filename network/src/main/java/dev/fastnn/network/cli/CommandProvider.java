package dev.fastnn.network.cli;

/**
 * Adds a subcommand to {@code fastnn} from a module that depends on network (the ONNX module adds
 * {@code export} and {@code import} this way). {@link Main} finds every provider on the class path with
 * {@link java.util.ServiceLoader}: list the implementing class in the jar's
 * {@code META-INF/services/dev.fastnn.network.cli.CommandProvider}. The {@code ./fastnn} launcher puts a
 * module's jar on the class path when the module registers a provider there (see the launcher).
 *
 * <p>{@link #command()} returns a picocli command: an object of a class annotated with
 * {@code @picocli.CommandLine.Command}, implementing {@code Callable<Integer>} (the exit status) or
 * {@code Runnable}. {@code fastnn} gives it what the built-in commands have:
 * <ul>
 *   <li>{@code -h, --help} (unless it declares its own), the inherited {@code --verbose}, and a line in
 *       {@code fastnn --help} from its description;</li>
 *   <li>output through {@code spec.commandLine().getOut()} and {@code getErr()} (inject
 *       {@code @Spec CommandSpec spec}): these are the streams {@link Main#run} was given;</li>
 *   <li>bad arguments, from picocli's own parsing or a {@code picocli.CommandLine.ParameterException} or
 *       {@link UsageException} the command throws, print one line and a hint to its help and exit with
 *       status 2;</li>
 *   <li>any other exception prints one line ({@code fastnn: } and the message; an {@code IOException} about a
 *       file names the file and the reason) and exits with status 1; no stack trace unless {@code --verbose}.</li>
 * </ul>
 * Its files are checked before its work starts, as the built-in commands' are: named to a {@link CommandFiles}
 * (inputs and outputs), whose {@link CommandFiles#check} throws a {@link UsageException} (status 2) when two
 * of them are one file and an {@code IOException} when one cannot be read or written. Files it writes go
 * through {@link dev.fastnn.network.io.AtomicFile}.
 */
public interface CommandProvider {
    /** The subcommand's name, e.g. {@code export}; a name a built-in command has is refused with a warning. */
    String name();

    /** A new command object; called once per {@link Main#run}. */
    Object command();
}
