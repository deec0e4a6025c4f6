package dev.fastnn.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The arena's bookkeeping, against hand-computed offsets; needs no OpenCL. */
class ArenaAllocatorTest {

    @Test
    void blocksAreAlignedFirstFitAndFreedBlocksMerge() {
        ArenaAllocator arena = new ArenaAllocator(128);
        int a = arena.allocate(1);
        int b = arena.allocate(17);
        int c = arena.allocate(16);
        assertEquals(0, a);
        assertEquals(16, b);
        assertEquals(48, c);
        assertEquals(128 - 64, arena.freeFloats());
        arena.release(a, 1);
        arena.release(b, 17);
        // 0..48 is one free block again, so a 48-float request fits before c.
        assertEquals(0, arena.allocate(48));
        assertEquals(-1, arena.allocate(81));
        assertEquals(64, arena.allocate(64));
        assertEquals(0, arena.freeFloats());
    }

    @Test
    void growingAddsSpaceThatMergesWithTheFreeTail() {
        ArenaAllocator arena = new ArenaAllocator(64);
        assertEquals(0, arena.allocate(32));
        assertEquals(-1, arena.allocate(64));
        arena.grow(128);
        // The 32 free floats at the old end and the 64 new ones form one block.
        assertEquals(32, arena.allocate(96));
        assertEquals(0, arena.freeFloats());
    }

    @Test
    void randomAllocationsNeverOverlapAndFreeingEverythingRestoresOneBlock() {
        ArenaAllocator arena = new ArenaAllocator(1 << 16);
        BitSet used = new BitSet();
        List<int[]> live = new ArrayList<>();
        Random random = new Random(5);
        for (int step = 0; step < 20_000; step++) {
            if (!live.isEmpty() && (random.nextBoolean() || live.size() > 60)) {
                int[] block = live.remove(random.nextInt(live.size()));
                arena.release(block[0], block[1]);
                used.clear(block[0], block[0] + ArenaAllocator.blockSize(block[1]));
            } else {
                int size = 1 + random.nextInt(1500);
                int offset = arena.allocate(size);
                if (offset >= 0) {
                    int end = offset + ArenaAllocator.blockSize(size);
                    assertEquals(-1, used.get(offset, end).nextSetBit(0), "block " + offset + "+" + size + " overlaps a live one");
                    assertEquals(0, offset % ArenaAllocator.ALIGN);
                    used.set(offset, end);
                    live.add(new int[] {offset, size});
                }
            }
        }
        live.forEach(block -> arena.release(block[0], block[1]));
        assertEquals(1 << 16, arena.freeFloats());
        assertEquals(0, arena.allocate(1 << 16));
    }
}
