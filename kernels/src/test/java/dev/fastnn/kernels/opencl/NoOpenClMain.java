package dev.fastnn.kernels.opencl;

import dev.fastnn.kernels.Backends;

/**
 * Run by {@link NoOpenClTest} in a child JVM: prints the backend {@code auto} picks, then what an explicit
 * {@code aparapi} says, one per line on standard output. Between the two it writes {@link #EXPLICIT} on
 * standard error, so that the test can tell what {@code auto} printed there from what Aparapi printed.
 */
public final class NoOpenClMain {
    static final String EXPLICIT = "--- explicit aparapi from here on";

    private NoOpenClMain() {
    }

    public static void main(String[] args) {
        System.out.println("auto=" + Backends.get("auto").name());
        System.err.println(EXPLICIT);
        try {
            Backends.get("aparapi");
            System.out.println("aparapi=created");
        } catch (IllegalStateException e) {
            System.out.println("aparapi failed: " + e.getMessage());
        }
    }
}
