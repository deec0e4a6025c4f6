package dev.fastnn.kernels;

import dev.fastnn.kernels.BackendProvider.AutoPreference;
import dev.fastnn.kernels.naive.NaiveBackend;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks a backend by name: {@code auto} (default), {@code naive}, {@code vector} or {@code aparapi}, from
 * the system property {@value #PROPERTY} or in code. {@code auto} takes an OpenCL GPU if there is one,
 * else the Vector API if its module is present, else naive. An explicit choice that cannot be honoured
 * throws with a message naming the fix.
 *
 * <p>{@code auto} says what it chose once per JVM, in one record of the {@link System.Logger} named after
 * this class: at {@code DEBUG} when it is normal operation (no GPU here, so {@code vector}), at
 * {@code WARNING} when something the user can fix is in the way (no Vector API module, so the much slower
 * {@code naive}; a GPU that cannot be used). So an embedding application sees nothing unless something is
 * wrong, and decides through its logging configuration what it sees then.
 *
 * <p>The vector and OpenCL providers are loaded by name, so nothing here links against
 * {@code jdk.incubator.vector} or Aparapi and the library runs without them. {@link #get} hands out shared
 * backends: one instance per name and JVM, safe to use from several threads, never closed.
 */
public final class Backends {
    public static final String PROPERTY = "fastnn.backend";
    /** {@code true}: every backend {@link #get} or {@link #create} makes runs its {@link Backend#warmUp} first. */
    public static final String WARM_UP_PROPERTY = "fastnn.warmup";
    /** The names users select backends by; each backend's {@code name()} is one of these. */
    public static final String AUTO = "auto";
    public static final String NAIVE = "naive";
    public static final String VECTOR = "vector";
    public static final String APARAPI = "aparapi";

    /** Loaded lazily, in the order {@code auto} considers them last to first. */
    private static final class Providers {
        static final BackendProvider VECTOR = load("dev.fastnn.kernels.vector.VectorProvider");
        static final BackendProvider APARAPI = load("dev.fastnn.kernels.opencl.AparapiProvider");
        static final List<BackendProvider> ALL = List.of(NAIVE_PROVIDER, VECTOR, APARAPI);
    }

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    private static final Map<String, Backend> SHARED = new ConcurrentHashMap<>();
    private static final Set<String> SAID = ConcurrentHashMap.newKeySet();

    private Backends() {
    }

    /** The backend named by {@value #PROPERTY}, {@code auto} when it is not set. */
    public static Backend fromSystemProperty() {
        return get(System.getProperty(PROPERTY, AUTO));
    }

    /** The shared backend of this name, open for the JVM's life (its {@code close()} does nothing); {@code auto} resolves as described above. */
    public static Backend get(String name) {
        BackendProvider provider = usableProvider(name);
        return SHARED.computeIfAbsent(provider.name(), n -> {
            Backend backend = warmedUp(provider.create());
            backend.share();
            return backend;
        });
    }

    /**
     * A new, unshared backend of this name ({@code auto} resolves as for {@link #get}) computing on
     * {@code threads} threads where the backend {@link BackendProvider#takesThreads takes them} (vector); the
     * others ignore it. The caller closes it.
     */
    public static Backend create(String name, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return warmedUp(usableProvider(name).create(threads));
    }

    private static Backend warmedUp(Backend backend) {
        if (Boolean.getBoolean(WARM_UP_PROPERTY)) {
            backend.warmUp();
        }
        return backend;
    }

    /** Every known backend: naive, vector, aparapi. */
    public static List<BackendProvider> providers() {
        return Providers.ALL;
    }

    /** The valid values of {@value #PROPERTY}. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(AUTO);
        providers().forEach(p -> names.add(p.name()));
        return names;
    }

    /** The provider {@code auto} resolves to here, after saying once (see above) why it passed over the others. */
    public static BackendProvider autoChoice() {
        AutoPreference gpu = Providers.APARAPI.autoPreference();
        if (gpu.preferred()) {
            sayOnce(Level.DEBUG, "auto uses '" + APARAPI + "': an OpenCL GPU is present");
            return Providers.APARAPI;
        }
        String gpuPart = gpu.worthAWarning() ? "the OpenCL GPU cannot be used: " + gpu.reason() : "no OpenCL GPU: " + gpu.reason();
        String vectorReason = Providers.VECTOR.unavailableReason();
        if (vectorReason == null) {
            sayOnce(gpu.worthAWarning() ? Level.WARNING : Level.DEBUG, "auto uses '" + VECTOR + "'; " + gpuPart);
            return Providers.VECTOR;
        }
        sayOnce(Level.WARNING, "auto uses the scalar loops of '" + NAIVE + "', which are much slower: backend '"
                + VECTOR + "' is not available (" + vectorReason + ")" + (gpu.worthAWarning() ? "; " + gpuPart : ""));
        return NAIVE_PROVIDER;
    }

    /** The provider of this name ({@code auto} resolved), or an exception saying why it cannot run here. */
    private static BackendProvider usableProvider(String name) {
        String key = name == null ? AUTO : name.trim().toLowerCase(Locale.ROOT);
        BackendProvider provider = key.equals(AUTO) ? autoChoice() : provider(key);
        String reason = provider.unavailableReason();
        if (reason != null) {
            throw new IllegalStateException("backend '" + key + "' is not available: " + reason);
        }
        return provider;
    }

    /** The provider of this exact name (not {@code auto}); an unknown name lists the valid ones. */
    public static BackendProvider provider(String name) {
        for (BackendProvider p : providers()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "'; valid: " + String.join(", ", names()));
    }

    private static BackendProvider load(String className) {
        try {
            return (BackendProvider) Class.forName(className).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("fastnn is built without " + className + ": " + e, e);
        }
    }

    private static void sayOnce(Level level, String message) {
        if (SAID.add(message)) {
            LOG.log(level, message);
        }
    }

    private static final BackendProvider NAIVE_PROVIDER = new BackendProvider() {
        @Override
        public String name() {
            return NAIVE;
        }

        @Override
        public String unavailableReason() {
            return null;
        }

        @Override
        public Backend create() {
            return new NaiveBackend();
        }
    };
}
