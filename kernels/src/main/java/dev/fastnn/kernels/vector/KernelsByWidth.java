package dev.fastnn.kernels.vector;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-width copies of the two templates, {@link SpeciesMicroKernels} and {@link SpeciesElementwiseKernels}:
 * each defined from its class bytes as a hidden class whose class data is its species (see
 * {@link SpeciesMicroKernels} why). Defined once per width and JVM, shared by every backend of that width.
 */
final class KernelsByWidth {
    private static final Map<Integer, MicroKernels> MICRO = new ConcurrentHashMap<>();
    private static final Map<Integer, ElementwiseKernels> ELEMENTWISE = new ConcurrentHashMap<>();

    private KernelsByWidth() {
    }

    /** The gemm micro-kernels for {@code bits}-wide float vectors; {@code bits} must be a width this CPU supports. */
    static MicroKernels microKernels(int bits) {
        return MICRO.computeIfAbsent(bits, b -> define("SpeciesMicroKernels", b, MicroKernels.class));
    }

    /** The elementwise loops for {@code bits}-wide float vectors. */
    static ElementwiseKernels elementwise(int bits) {
        return ELEMENTWISE.computeIfAbsent(bits, b -> define("SpeciesElementwiseKernels", b, ElementwiseKernels.class));
    }

    /** The template is named, not referenced: a class literal would load it as an ordinary class. */
    private static <T> T define(String template, int bits, Class<T> type) {
        VectorSpecies<Float> species = VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
        try (InputStream in = KernelsByWidth.class.getResourceAsStream(template + ".class")) {
            if (in == null) {
                throw new IllegalStateException(template + ".class is missing from the class path");
            }
            MethodHandles.Lookup lookup = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(in.readAllBytes(), species, true);
            return type.cast(lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class)).invoke());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + template + ".class", e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the " + bits + "-bit " + template, e);
        }
    }
}
