package dev.fastnn.network.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastnn.kernels.Activation;
import dev.fastnn.kernels.naive.NaiveBackend;
import org.junit.jupiter.api.Test;

class StandardizationTest {

    /** Column {@code j} of {@code samples} multiplied by {@code factor}. */
    private static Samples scaled(Samples samples, int j, float factor) {
        float[] x = samples.inputs().clone();
        for (int i = 0; i < samples.rows(); i++) {
            x[i * samples.features() + j] *= factor;
        }
        return samples.withInputs(x);
    }

    /**
     * The reference is the same training on unscaled features: standardization undoes any scaling, so the
     * models agree up to float32 rounding of the scaled values. Under the old absolute floor
     * ({@code std + 0.01}) a feature scaled by 1e-5 was flattened to almost nothing.
     */
    @Test
    void predictionsDoNotDependOnTheScaleOfAFeature() {
        Samples original = TrainerTest.blobs(31);
        Samples rescaled = scaled(scaled(scaled(original, 0, 1e-5f), 1, 1e5f), 2, 1e-5f);
        Trainer.Builder same = Trainer.builder().layers(6, 8, 3).hiddenActivation(Activation.TANH).standardize(true)
                .optimizer(new Optimizer.Adam(0.01)).epochs(5).seed(4).backend(new NaiveBackend());

        try (Model a = same.build().fit(original); Model b = same.build().fit(rescaled)) {
            assertArrayEquals(a.predict(original.inputs(), original.rows()), b.predict(rescaled.inputs(), rescaled.rows()),
                    1e-4f);
            assertEquals(a.evaluate(original).accuracy(), b.evaluate(rescaled).accuracy());
        }
    }

    @Test
    void constantAndFloatNoiseFeaturesKeepScaleOneAtAnyMagnitude() {
        int rows = 6;
        float big = 1e7f;
        float[] x = new float[rows * 4];
        for (int i = 0; i < rows; i++) {
            x[i * 4] = 3.5f;
            x[i * 4 + 1] = i % 2 == 0 ? big : Math.nextUp(big);
            x[i * 4 + 2] = i % 2 == 0 ? 1e-30f : 2e-30f;
            x[i * 4 + 3] = i;
        }
        Samples s = Samples.regression(x, rows, 4, new float[rows], 1);

        Standardization st = Standardization.of(s);

        assertEquals(3.5f, st.mean()[0]);
        assertEquals(1f, st.scale()[0], "constant");
        assertEquals(1f, st.scale()[1], "one float32 ulp of 1e7 is rounding, not information");
        assertEquals(2e30f, st.scale()[2], 1e25f, "tiny values that really vary are scaled up like any others");
        assertEquals(1 / Math.sqrt(17.5 / 6), st.scale()[3], 1e-6);
    }

    /**
     * 1000 rows of 0 and one of 1: the deviation is about 0.032, and 1 / 0.032 would put that row at 31; the
     * bound scales by the largest deviation instead, keeping it at 4.
     */
    @Test
    void aFeatureThatIsConstantButForARareRowIsScaledToStayWithinTheBound() {
        int rows = 1001;
        float[] x = new float[rows * 2];
        for (int i = 0; i < rows; i++) {
            x[i * 2] = i == 500 ? 1f : 0f;
            x[i * 2 + 1] = (float) Math.sin(i);
        }
        Samples s = Samples.regression(x, rows, 2, new float[rows], 1);

        Standardization st = Standardization.of(s);

        double mean = 1.0 / rows;
        assertEquals(Standardization.MAX_STANDARDIZED / (1 - mean), st.scale()[0], 1e-4);
        float[] standardized = st.apply(s).inputs();
        assertEquals(Standardization.MAX_STANDARDIZED, standardized[1000], 1e-5);
        double sumSquares = 0;
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            sum += Math.sin(i);
        }
        for (int i = 0; i < rows; i++) {
            double dv = (float) Math.sin(i) - sum / rows;
            sumSquares += dv * dv;
        }
        assertEquals(1 / Math.sqrt(sumSquares / rows), st.scale()[1], 1e-4, "an ordinary feature: 1 / deviation");
    }
}
