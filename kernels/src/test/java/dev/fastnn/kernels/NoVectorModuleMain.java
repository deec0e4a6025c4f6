package dev.fastnn.kernels;

/**
 * Run by {@link BackendsTest} in a child JVM started WITHOUT {@code --add-modules jdk.incubator.vector}: prints
 * the backend {@code auto} picks, then what an explicit {@code vector} says, one per line on standard output.
 */
public final class NoVectorModuleMain {
    private NoVectorModuleMain() {
    }

    public static void main(String[] args) {
        System.out.println("auto=" + Backends.get("auto").name());
        try {
            Backends.get("vector");
            System.out.println("vector=created");
        } catch (IllegalStateException e) {
            System.out.println("vector failed: " + e.getMessage());
        }
    }
}
