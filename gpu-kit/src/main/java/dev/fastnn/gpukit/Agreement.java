package dev.fastnn.gpukit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * How closely the device's results follow the vector backend's for one operation, over every element of
 * every shape tried: each element must be within its tolerance (NaN where the reference is NaN, equal where
 * the tolerance is zero); the worst ratio of difference to tolerance says how much room was left. It also
 * keeps whether Aparapi ran the operation's kernels anywhere but on the device.
 */
final class Agreement {
    /**
     * Both backends are held to the same bound from the exact value, so two results may differ by twice it.
     */
    static final double BOTH_BACKENDS = 2;

    private final String operation;
    private long elements;
    private long failures;
    private double worstRatio;
    private String worstAt = "";
    private String firstFailure;
    private int cases;
    private String offDevice;

    Agreement(String operation) {
        this.operation = operation;
    }

    String operation() {
        return operation;
    }

    /** Compares {@code device} with {@code reference} element by element; {@code where} names the case. */
    void compare(String where, float[] device, float[] reference, IntToDoubleFunction tolerance) {
        cases++;
        if (device.length != reference.length) {
            record(where + ": " + device.length + " values from the device, " + reference.length + " from the reference");
            return;
        }
        for (int i = 0; i < device.length; i++) {
            element(where, i, device[i], reference[i], tolerance.applyAsDouble(i));
        }
    }

    /** A single value, such as a loss sum. */
    void compare(String where, double device, double reference, double tolerance) {
        cases++;
        element(where, 0, device, reference, tolerance);
    }

    private void element(String where, int index, double got, double ref, double tolerance) {
        elements++;
        double ratio;
        if (Double.isNaN(ref) || Double.isNaN(got)) {
            ratio = Double.isNaN(ref) && Double.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        } else if (got == ref) {
            ratio = 0;
        } else {
            ratio = tolerance > 0 ? Math.abs(got - ref) / tolerance : Double.POSITIVE_INFINITY;
        }
        if (ratio > worstRatio) {
            worstRatio = ratio;
            worstAt = where + " [" + index + "]";
        }
        if (!(ratio <= 1)) {
            record(where + " element " + index + ": device " + got + ", vector " + ref + ", tolerance " + tolerance);
        }
    }

    /** After each run on the device: {@link DeviceUsage#offDevice}, null when everything ran on the device. */
    void ranOn(String offDeviceReason) {
        if (offDevice == null) {
            offDevice = offDeviceReason;
        }
    }

    private void record(String failure) {
        failures++;
        if (firstFailure == null) {
            firstFailure = failure;
        }
    }

    boolean passed() {
        return failures == 0 && cases > 0 && offDevice == null;
    }

    /** One line: cases, elements, worst ratio and where, and the first failure if any. */
    String describe() {
        String head = String.format("%s: %s, %s, %d case(s), %d value(s), worst |device - vector| = %.3g of the tolerance%s",
                operation, failures == 0 ? "agrees" : "DISAGREES",
                offDevice == null ? "ran on the device" : "NOT ONLY ON THE DEVICE (" + offDevice + ")",
                cases, elements, worstRatio, worstAt.isEmpty() ? "" : " at " + worstAt);
        return failures == 0 ? head : head + "; " + failures + " outside, first: " + firstFailure;
    }

    Map<String, Object> figures() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("passed", passed());
        m.put("onDevice", offDevice == null);
        m.put("cases", cases);
        m.put("values", elements);
        m.put("outside", failures);
        m.put("worstRatio", worstRatio);
        m.put("worstAt", worstAt);
        return m;
    }
}
