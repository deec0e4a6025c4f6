package dev.fastnn.kernels.vector;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-width copies of the two templates, {@link SpeciesMicroKernels} and {@link SpeciesElementwiseKernels}:
 * each defined from its class bytes as a hidden class whose class data is its species (see
 * {@link SpeciesMicroKernels} why), for the micro-kernels with the register count their tiles are shaped for.
 * Defined once per width (and register count) and JVM, shared by every backend that asks for the same.
 */
final class KernelsByWidth {
    private static final Map<List<Integer>, MicroKernels> MICRO = new ConcurrentHashMap<>();
    private static final Map<Integer, ElementwiseKernels> ELEMENTWISE = new ConcurrentHashMap<>();

    private KernelsByWidth() {
    }

    /**
     * The gemm micro-kernels for {@code bits}-wide float vectors, their tiles shaped for {@code registers} vector
     * registers (16 or 32); {@code bits} must be a width this CPU supports.
     */
    static MicroKernels microKernels(int bits, int registers) {
        return MICRO.computeIfAbsent(List.of(bits, registers), key -> define("SpeciesMicroKernels",
                bits, List.of(species(bits), registers), MicroKernels.class));
    }

    /** The elementwise loops for {@code bits}-wide float vectors. */
    static ElementwiseKernels elementwise(int bits) {
        return ELEMENTWISE.computeIfAbsent(bits, b -> define("SpeciesElementwiseKernels", b, species(b),
                ElementwiseKernels.class));
    }

    private static VectorSpecies<Float> species(int bits) {
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /** The template is named, not referenced: a class literal would load it as an ordinary class. */
    private static <T> T define(String template, int bits, Object classData, Class<T> type) {
        try (InputStream in = KernelsByWidth.class.getResourceAsStream(template + ".class")) {
            if (in == null) {
                throw new IllegalStateException(template + ".class is missing from the class path");
            }
            MethodHandles.Lookup lookup = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(in.readAllBytes(), classData, true);
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
