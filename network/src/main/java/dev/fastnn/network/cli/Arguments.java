package dev.fastnn.network.cli;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The options of one command: {@code --name value} pairs and {@code --flag}s, each allowed once. Anything
 * not declared by the command, a missing value, or a value of the wrong kind is a {@link UsageException}.
 */
final class Arguments {
    private final String command;
    private final Map<String, String> values = new HashMap<>();

    private Arguments(String command) {
        this.command = command;
    }

    /** Parses {@code args[from..]} for {@code command}, which takes the options in {@code valued} and {@code flags}. */
    static Arguments parse(String command, String[] args, int from, Set<String> valued, Set<String> flags)
            throws UsageException {
        Arguments a = new Arguments(command);
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") ? arg.substring(2) : null;
            String inline = null;
            if (name != null && name.contains("=")) {
                inline = name.substring(name.indexOf('=') + 1);
                name = name.substring(0, name.indexOf('='));
            }
            if (name == null || !(valued.contains(name) || flags.contains(name))) {
                throw new UsageException("'" + command + "' does not take " + (name == null ? "the argument '" + arg + "'" : "--" + name));
            }
            String value;
            if (flags.contains(name)) {
                if (inline != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                value = "true";
            } else if (inline != null) {
                value = inline;
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("--" + name + " needs a value");
            }
            if (a.values.put(name, value) != null) {
                throw new UsageException("--" + name + " is given twice");
            }
        }
        return a;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("'" + command + "' needs --" + name);
        }
        return v;
    }

    Path path(String name) {
        String v = values.get(name);
        return v == null ? null : Path.of(v);
    }

    int integer(String name, int fallback, int min) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) {
                throw new UsageException("--" + name + " must be at least " + min + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a whole number, got '" + v + "'");
        }
    }

    long longInteger(String name, long fallback) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a whole number, got '" + v + "'");
        }
    }

    float positiveFloat(String name, float fallback) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            float f = Float.parseFloat(v.trim());
            if (!(f > 0 && Float.isFinite(f))) {
                throw new UsageException("--" + name + " must be a positive number, got '" + v + "'");
            }
            return f;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a number, got '" + v + "'");
        }
    }

    /** Sizes such as {@code 784,256,10}. */
    int[] sizes(String name) throws UsageException {
        String v = required(name);
        String[] parts = v.split(",");
        int[] sizes = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                sizes[i] = Integer.parseInt(parts[i].trim());
                if (sizes[i] <= 0) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs positive sizes separated by commas (e.g. 784,256,10), got '" + v + "'");
        }
        if (sizes.length < 2) {
            throw new UsageException("--" + name + " needs at least the input and output sizes, got '" + v + "'");
        }
        return sizes;
    }

    /** Runs a parser such as {@code Loss::parse}, turning its complaint into a usage error. */
    <T> T parsed(String name, String fallback, java.util.function.Function<String, T> parser) throws UsageException {
        String v = string(name, fallback);
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + name + ": " + e.getMessage());
        }
    }

    /**
     * {@code --backend NAME} (default: the {@code fastnn.backend} property, else auto) and {@code --threads N}:
     * with threads, a backend of its own; without, the shared one.
     */
    Backend backend() throws UsageException {
        String name = string("backend", System.getProperty(Backends.PROPERTY, Backends.AUTO));
        int threads = integer("threads", 0, 1);
        try {
            return threads > 0 ? Backends.create(name, threads) : Backends.get(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--backend: " + e.getMessage());
        }
    }
}
