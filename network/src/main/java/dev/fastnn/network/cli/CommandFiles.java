package dev.fastnn.network.cli;

import dev.fastnn.network.io.AtomicFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The files one command reads and writes. {@link #check} runs before the work: every input is there and
 * readable, every output can be written (see {@link AtomicFile#checkWritable}), and no output names the same
 * file as another output or an input. After the work each output is written on its own by {@link #write}:
 * atomically, and a failure to write one is reported and does not keep the others from being written.
 * Public for the commands of other modules ({@link CommandProvider}), which check their files the same way.
 */
public final class CommandFiles {
    /** A file and the option that named it, for messages. */
    private record Named(String option, Path path) {
    }

    /** Writes one output file; throws when it cannot. */
    @FunctionalInterface
    public interface Writing {
        void run() throws IOException;
    }

    private final List<Named> inputs = new ArrayList<>();
    private final List<Named> outputs = new ArrayList<>();
    private final PrintWriter notes;
    private final PrintWriter err;
    private boolean failed;

    /** {@code notes} gets the "written to" lines, {@code err} the failures. */
    public CommandFiles(PrintWriter notes, PrintWriter err) {
        this.notes = notes;
        this.err = err;
    }

    /** Adds a file the command reads; {@code null} (the option not given) is ignored. */
    public CommandFiles input(String option, Path path) {
        if (path != null) {
            inputs.add(new Named(option, path));
        }
        return this;
    }

    /** Adds a file the command writes; {@code null} (the option not given) is ignored. */
    public CommandFiles output(String option, Path path) {
        if (path != null) {
            outputs.add(new Named(option, path));
        }
        return this;
    }

    /**
     * Two options naming one file is a usage error; a missing input or an output that cannot be written is
     * an {@link IOException} that names the file and the reason.
     */
    public void check() throws IOException, UsageException {
        for (int i = 0; i < outputs.size(); i++) {
            Named a = outputs.get(i);
            for (int j = i + 1; j < outputs.size(); j++) {
                Named b = outputs.get(j);
                if (sameFile(a.path(), b.path())) {
                    throw new UsageException(a.option() + " and " + b.option() + " both name " + a.path()
                            + "; give each output its own file");
                }
            }
            for (Named in : inputs) {
                if (sameFile(a.path(), in.path())) {
                    throw new UsageException(a.option() + " " + a.path() + " is also the " + in.option()
                            + " input; write the output to another file");
                }
            }
        }
        for (Named in : inputs) {
            checkReadable(in.path());
        }
        for (Named out : outputs) {
            AtomicFile.checkWritable(out.path());
        }
    }

    /**
     * Runs {@code writing}, which writes {@code path}, and says "{@code what} written to {@code path}"; a
     * failure is said in one line on the error stream instead, and {@link #status} becomes 1. Nothing to do
     * when {@code path} is null (the option was not given).
     */
    public void write(Path path, String what, Writing writing) {
        if (path == null) {
            return;
        }
        try {
            writing.run();
            notes.println(what + " written to " + path);
        } catch (IOException | RuntimeException e) {
            err.println("fastnn: " + ErrorMessages.describe(e));
            failed = true;
        }
    }

    /** 0 when every output was written, 1 when one failed. */
    public int status() {
        return failed ? 1 : 0;
    }

    /** Reading the attributes fails with the operating system's reason; a file on the way is named. */
    private static void checkReadable(Path file) throws IOException {
        // JDKs differ in how they report a path through a regular file (17: "Not a directory", 25: no such file).
        for (Path up = file.toAbsolutePath().getParent(); up != null; up = up.getParent()) {
            if (Files.exists(up)) {
                if (!Files.isDirectory(up)) {
                    throw new FileSystemException(file.toString(), null, up + " is not a directory");
                }
                break;
            }
        }
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (attributes.isDirectory()) {
            throw new FileSystemException(file.toString(), null, "is a directory");
        }
        if (!Files.isReadable(file)) {
            throw new AccessDeniedException(file.toString());
        }
    }

    /** Whether two paths reach one file, through links and {@code ..} too, whether or not it exists yet. */
    private static boolean sameFile(Path a, Path b) throws IOException {
        if (Files.exists(a) && Files.exists(b)) {
            return Files.isSameFile(a, b);
        }
        return canonical(a).equals(canonical(b));
    }

    private static Path canonical(Path p) throws IOException {
        Path absolute = p.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        return parent != null && Files.isDirectory(parent) ? parent.toRealPath().resolve(absolute.getFileName())
                : absolute;
    }
}
