package dev.fastnn.network.article;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastnn.kernels.Backend;
import dev.fastnn.network.testing.NetworkBackends;
import dev.fastnn.network.train.Seeds;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class XorExampleTest {

    @ParameterizedTest
    @MethodSource("dev.fastnn.network.testing.NetworkBackends#names")
    void articleExampleLearnsXorOnEveryBackend(String name) {
        Backend backend = NetworkBackends.get(name);
        for (long seed = 0; seed < 3; seed++) {
            XorExample.Result r = XorExample.run(backend, XorExample.ITERATIONS, seed);
            float[] p = r.predictions();
            String where = name + " seed " + seed + ": " + java.util.Arrays.toString(p);
            assertTrue(p[0] < 0.05f && p[3] < 0.05f, "targets 0 must predict below 0.05, " + where);
            assertTrue(p[1] > 0.95f && p[2] > 0.95f, "targets 1 must predict above 0.95, " + where);
            double[] h = r.lossHistory();
            assertEquals(XorExample.ITERATIONS, h.length);
            for (int i = 1; i < h.length; i++) {
                assertTrue(h[i] <= h[i - 1], "loss rose at iteration " + (i + 1) + " (" + h[i - 1] + " -> " + h[i] + "), " + where);
            }
            assertTrue(r.loss() < h[h.length - 1], "the final loss follows the last update, " + where);
        }
    }

    /**
     * The article's loop written out on float arrays, numpy's order of operations, float32 throughout, with
     * the same initial weights: the network must reproduce it. Tolerance 1e-4 on weights-driven predictions
     * allows for the summation order of a backend's gemm.
     */
    @ParameterizedTest
    @ValueSource(longs = {0, 7})
    void articleExampleMatchesTheArticlesFormulasOnNaive(long seed) {
        float[][] x = {{0, 0, 1}, {0, 1, 1}, {1, 0, 1}, {1, 1, 1}};
        float[] y = XorExample.TARGETS;
        // The first fit of a trainer takes its run seed from split() of a SplittableRandom(seed), and draws
        // the weights from that run seed's initialization stream; mirror that.
        SplittableRandom init = Seeds.initialization(new SplittableRandom(seed).split().nextLong());
        float[][] w1 = new float[3][4];
        float[][] w2 = new float[4][1];
        for (float[] row : w1) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (init.nextInt() >>> 8) * 0x1p-24f;
            }
        }
        for (float[] row : w2) {
            row[0] = (init.nextInt() >>> 8) * 0x1p-24f;
        }
        float[][] layer1 = new float[4][4];
        float[] out = new float[4];
        for (int it = 0; it < XorExample.ITERATIONS; it++) {
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    float z = 0;
                    for (int k = 0; k < 3; k++) {
                        z += x[i][k] * w1[k][j];
                    }
                    layer1[i][j] = sigmoid(z);
                }
                float z = 0;
                for (int k = 0; k < 4; k++) {
                    z += layer1[i][k] * w2[k][0];
                }
                out[i] = sigmoid(z);
            }
            float[] e2 = new float[4];
            for (int i = 0; i < 4; i++) {
                e2[i] = 2 * (y[i] - out[i]) * out[i] * (1 - out[i]);
            }
            float[][] e1 = new float[4][4];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    e1[i][j] = e2[i] * w2[j][0] * layer1[i][j] * (1 - layer1[i][j]);
                }
            }
            for (int j = 0; j < 4; j++) {
                float d = 0;
                for (int i = 0; i < 4; i++) {
                    d += layer1[i][j] * e2[i];
                }
                w2[j][0] += d;
            }
            for (int k = 0; k < 3; k++) {
                for (int j = 0; j < 4; j++) {
                    float d = 0;
                    for (int i = 0; i < 4; i++) {
                        d += x[i][k] * e1[i][j];
                    }
                    w1[k][j] += d;
                }
            }
        }
        float[] expected = new float[4];
        for (int i = 0; i < 4; i++) {
            float z2 = 0;
            for (int j = 0; j < 4; j++) {
                float z = 0;
                for (int k = 0; k < 3; k++) {
                    z += x[i][k] * w1[k][j];
                }
                z2 += sigmoid(z) * w2[j][0];
            }
            expected[i] = sigmoid(z2);
        }
        XorExample.Result r = XorExample.run(new dev.fastnn.kernels.naive.NaiveBackend(), XorExample.ITERATIONS, seed);
        assertArrayEquals(expected, r.predictions(), 1e-4f);
    }

    private static float sigmoid(float z) {
        return (float) (1 / (1 + Math.exp(-z)));
    }
}
