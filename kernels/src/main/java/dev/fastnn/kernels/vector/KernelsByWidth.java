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
 * One {@link SpeciesKernels} per vector width, each defined from the same class bytes as a hidden class whose
 * class data is its species (see there why). Defined once per width and JVM, shared by every backend of that width.
 */
final class KernelsByWidth {
    private static final Map<Integer, VectorKernels> LOADED = new ConcurrentHashMap<>();

    private KernelsByWidth() {
    }

    /** The kernels for {@code bits}-wide float vectors; {@code bits} must be a width this CPU supports. */
    static VectorKernels forBits(int bits) {
        return LOADED.computeIfAbsent(bits, KernelsByWidth::define);
    }

    private static VectorKernels define(int bits) {
        VectorSpecies<Float> species = VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
        try (InputStream in = KernelsByWidth.class.getResourceAsStream("SpeciesKernels.class")) {
            if (in == null) {
                throw new IllegalStateException("SpeciesKernels.class is missing from the class path");
            }
            MethodHandles.Lookup lookup = MethodHandles.lookup()
                    .defineHiddenClassWithClassData(in.readAllBytes(), species, true);
            return (VectorKernels) lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read SpeciesKernels.class", e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the " + bits + "-bit vector kernels", e);
        }
    }
}
