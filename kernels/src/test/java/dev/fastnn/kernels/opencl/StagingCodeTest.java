package dev.fastnn.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link DeviceKernel}'s per-capacity staging code is {@link StagingCode}'s output, character for character;
 * with {@code -Dfastnn.regenerate=true} this test writes it there instead (atomically) and then checks again.
 */
class StagingCodeTest {
    private static final Path SOURCE = Path.of("src/main/java/dev/fastnn/kernels/opencl/DeviceKernel.java");

    @Test
    void deviceKernelHoldsTheGeneratedStagingCode() throws IOException {
        String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
        int begin = source.indexOf(StagingCode.BEGIN);
        int end = source.indexOf(StagingCode.END);
        assertTrue(begin >= 0 && end > begin, SOURCE + " has no generated block between the StagingCode markers");
        String generated = source.substring(begin, end + StagingCode.END.length());
        String wanted = StagingCode.render();
        if (Boolean.getBoolean("fastnn.regenerate") && !generated.equals(wanted)) {
            Path temp = Files.createTempFile(SOURCE.getParent(), "DeviceKernel", ".tmp");
            Files.writeString(temp, source.substring(0, begin) + wanted + source.substring(end + StagingCode.END.length()),
                    StandardCharsets.UTF_8);
            Files.move(temp, SOURCE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            generated = wanted;
        }
        assertEquals(wanted, generated, "DeviceKernel's staging code differs from StagingCode's; regenerate it: "
                + "mvn -pl kernels test -Dtest=StagingCodeTest -Dfastnn.regenerate=true");
    }

    @Test
    void theCompiledKernelHasEveryCapacityOnceInOrder() {
        DeviceKernel kernel = new DeviceKernel(new float[1]);
        int[] expected = IntStream.range(0, StagingCode.CAPACITIES).map(StagingCode::capacity).toArray();
        assertArrayEquals(expected, DeviceKernel.CAPACITY);
        float[][] staging = kernel.staging();
        for (int c = 0; c < expected.length; c++) {
            assertEquals(expected[c], staging[c].length, "staging" + c);
        }
    }
}
