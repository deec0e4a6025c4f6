package dev.fastnn.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's goal data: lines read as the format says, stated as the report states them, bad lines named. */
class GoalTest {

    @Test
    void aGoalLineGivesItsParametersMeasureAndThreshold() {
        Goal.Data data = Goal.parse(List.of("# a comment", "",
                "ratio\tvector\topenblas\tnaive",
                "goal\t4\tvector gemm, 1 thread\tGemmBenchmark.gemm\tbackend=vector threads=1 n=256,512\tvs openblas\t0.95",
                "goal\t12\tvector sigmoid\tActivationBenchmark.activation\tbackend=vector size=65536\tper size\t6e9",
                "goal\t12\tvector gemm\tGemmBenchmark.gemm\tbackend=vector n=512,1024\tof peak\t0.9",
                "goal\t12\tvector relu\tActivationBenchmark.gradient\tbackend=vector function=relu\tallocation B/op\t16"));
        assertEquals(Map.of("vector", List.of("openblas", "naive")), data.ratioColumns());
        Goal gemm = data.goals().get(0);
        assertEquals(Map.of("backend", "vector", "threads", "1"), gemm.fixed());
        assertEquals("n", gemm.varying());
        assertEquals(List.of("256", "512"), gemm.values());
        assertTrue(gemm.isShare());
        assertEquals("vector gemm, 1 thread: >= 95% of openblas", gemm.text());
        Goal sigmoid = data.goals().get(1);
        assertNull(sigmoid.reference());
        assertEquals("size", sigmoid.workParam());
        assertFalse(sigmoid.isShare());
        assertEquals("vector sigmoid: >= 6 G elements/s", sigmoid.text());
        Goal peak = data.goals().get(2);
        assertEquals(Goal.Kind.PEAK, peak.kind());
        assertTrue(peak.isShare());
        assertEquals("vector gemm: >= 90% of the FMA peak", peak.text());
        Goal allocation = data.goals().get(3);
        assertEquals(Goal.Kind.ALLOCATION, allocation.kind());
        assertEquals("vector relu: <= 16 B/op", allocation.text());
    }

    @Test
    void theShippedDataParses() {
        Goal.Data data = Goal.load();
        assertFalse(data.goals().isEmpty());
        for (Goal g : data.goals()) {
            assertTrue(BenchmarkBackends.gemmContenders().contains(g.fixed().get("backend")), g.toString());
        }
    }

    @Test
    void aBadLineIsNamedByItsNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Goal.parse(List.of("goal\t4\tx\tGemmBenchmark.gemm\tn=1,2 threads=1,2\tvs naive\t2")));
        assertEquals("report.tsv line 1: two varying parameters, n and threads", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Goal.parse(List.of("", "goal\t4\tx\tGemmBenchmark.gemm\tn=1\tfaster than naive\t2")));
        assertTrue(e.getMessage().startsWith("report.tsv line 2: measure must be"), e.getMessage());
    }
}
