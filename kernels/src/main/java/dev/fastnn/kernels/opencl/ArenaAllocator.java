package dev.fastnn.kernels.opencl;

import java.util.Map;
import java.util.TreeMap;

/**
 * First-fit allocation of float ranges in a growable arena, with neighbouring free blocks merged. Blocks
 * start at multiples of {@value #ALIGN} floats (64 bytes) so that rows of different matrices do not
 * share a cache line or a GPU memory transaction. Not thread-safe: the backend holds its lock.
 */
final class ArenaAllocator {
    static final int ALIGN = 16;

    /** Free blocks: offset to length, both multiples of {@link #ALIGN}. */
    private final TreeMap<Integer, Integer> free = new TreeMap<>();
    private int capacity;

    ArenaAllocator(int capacity) {
        this.capacity = capacity;
        free.put(0, capacity);
    }

    int capacity() {
        return capacity;
    }

    static int blockSize(int size) {
        return (int) Math.min(Integer.MAX_VALUE - ALIGN + 1, ((long) size + ALIGN - 1) / ALIGN * ALIGN);
    }

    /** The offset of a new block of {@code size} floats, or -1 when no free block is large enough. */
    int allocate(int size) {
        int need = blockSize(size);
        for (Map.Entry<Integer, Integer> e : free.entrySet()) {
            // Key and length are read before the removal: TreeMap may reuse the removed entry for its successor.
            int offset = e.getKey();
            int length = e.getValue();
            if (length >= need) {
                free.remove(offset);
                if (length > need) {
                    free.put(offset + need, length - need);
                }
                return offset;
            }
        }
        return -1;
    }

    void release(int offset, int size) {
        int start = offset;
        int length = blockSize(size);
        Map.Entry<Integer, Integer> before = free.floorEntry(start);
        if (before != null && before.getKey() + before.getValue() == start) {
            start = before.getKey();
            length += before.getValue();
            free.remove(before.getKey());
        }
        Integer after = free.get(start + length);
        if (after != null) {
            free.remove(start + length);
            length += after;
        }
        free.put(start, length);
    }

    /** Adds {@code [capacity, newCapacity)} as free space after the arena array has grown. */
    void grow(int newCapacity) {
        int old = capacity;
        capacity = newCapacity;
        release(old, newCapacity - old);
    }

    /** Floats not handed out, for tests. */
    long freeFloats() {
        return free.values().stream().mapToLong(Integer::longValue).sum();
    }
}
