package dev.fastnn.kernels.opencl;

import dev.fastnn.kernels.Backends;

/**
 * Run by {@link NoOpenClTest} in a child JVM whose OpenCL loader finds no platform: prints the backend
 * {@code auto} picks, then what an explicit {@code aparapi} says, one per line on standard output.
 */
public final class NoOpenClMain {
    private NoOpenClMain() {
    }

    public static void main(String[] args) {
        System.out.println("auto=" + Backends.get("auto").name());
        try {
            Backends.get("aparapi");
            System.out.println("aparapi=created");
        } catch (IllegalStateException e) {
            System.out.println("aparapi failed: " + e.getMessage());
        }
    }
}
