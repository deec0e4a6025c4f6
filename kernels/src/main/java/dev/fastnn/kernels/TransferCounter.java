package dev.fastnn.kernels;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes moved between the host and a backend's storage: what {@link Backend#write} and
 * {@link Backend#read} copy, plus scalars a reduction brings back. On an OpenCL device these are the
 * bus transfers, so a test can prove that a training step leaves the weights on the device.
 */
public final class TransferCounter {
    private final AtomicLong toBackend = new AtomicLong();
    private final AtomicLong fromBackend = new AtomicLong();

    public long bytesToBackend() {
        return toBackend.get();
    }

    public long bytesFromBackend() {
        return fromBackend.get();
    }

    public void addToBackend(long bytes) {
        toBackend.addAndGet(bytes);
    }

    public void addFromBackend(long bytes) {
        fromBackend.addAndGet(bytes);
    }

    public void reset() {
        toBackend.set(0);
        fromBackend.set(0);
    }

    @Override
    public String toString() {
        return "TransferCounter[to=" + bytesToBackend() + " B, from=" + bytesFromBackend() + " B]";
    }
}
