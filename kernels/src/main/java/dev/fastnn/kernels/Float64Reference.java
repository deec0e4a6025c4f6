package dev.fastnn.kernels;

/**
 * The exact values, computed in float64 from the same float32 inputs, that a backend's results are held to
 * with {@link ErrorBounds}: by the kernel tests, and by the GPU check of {@code gpu-kit}, which runs where no
 * test code is shipped and so takes its references from here, as it takes its bounds. Only the operations
 * whose reference is more than one expression are here; each returns the values with their bounds where the
 * bound needs more than the value (a row's dot product, Adam's moments).
 */
public final class Float64Reference {
    private Float64Reference() {
    }

    /** Exact values and, element by element, the {@link ErrorBounds} bound a float32 result must keep to. */
    public record Bounded(double[] values, double[] bounds) {
    }

    /** Adam's exact new weights and moments, each with its bounds. */
    public record AdamStep(Bounded weights, Bounded firstMoments, Bounded secondMoments) {
    }

    /** {@code f(x)} for an elementwise activation (softmax is row-wise: {@link #softmax}); NaN stays NaN. */
    public static double activation(Activation f, double x) {
        return switch (f) {
            case IDENTITY -> x;
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case RELU -> Double.isNaN(x) ? x : Math.max(0, x);
            case SOFTMAX -> throw new IllegalArgumentException("softmax is row-wise: use softmax(x, rows, cols)");
        };
    }

    /** The softmax of each row of the row-major {@code rows x cols} matrix {@code x}, its maximum subtracted first. */
    public static double[] softmax(float[] x, int rows, int cols) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[r * cols + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[r * cols + j] - max);
            }
            for (int j = 0; j < cols; j++) {
                y[r * cols + j] = Math.exp(x[r * cols + j] - max) / sum;
            }
        }
        return y;
    }

    /**
     * {@link Backend#activationGradient}: the gradient {@code g} through {@code f} at its output {@code y}
     * ({@code rows x cols}; softmax's Jacobian-vector product per row), with {@link ErrorBounds#activationGradient}.
     */
    public static Bounded activationGradient(Activation f, float[] y, float[] g, int rows, int cols) {
        double[] values = new double[y.length];
        double[] bounds = new double[y.length];
        for (int r = 0; r < rows; r++) {
            double dot = 0;
            double absDot = 0;
            for (int j = 0; j < cols; j++) {
                double term = (double) g[r * cols + j] * y[r * cols + j];
                dot += term;
                absDot += Math.abs(term);
            }
            for (int j = 0; j < cols; j++) {
                int at = r * cols + j;
                double gj = g[at];
                double yj = y[at];
                values[at] = switch (f) {
                    case IDENTITY -> gj;
                    case SIGMOID -> gj * yj * (1 - yj);
                    case TANH -> gj * (1 - yj * yj);
                    case RELU -> yj > 0 ? gj : 0;
                    case SOFTMAX -> yj * (gj - dot);
                };
                bounds[at] = ErrorBounds.activationGradient(f, values[at], yj, gj, cols, absDot);
            }
        }
        return new Bounded(values, bounds);
    }

    /**
     * {@link Backend#adamUpdate}'s step {@code t} from weights {@code w}, gradient {@code g} and moments
     * {@code m}, {@code v}, with the bias corrections rounded to float as the kernels take them, and
     * {@link ErrorBounds#adamMoment} and {@link ErrorBounds#adamWeight}.
     */
    public static AdamStep adamUpdate(float[] w, float[] g, float[] m, float[] v, float learningRate, float beta1,
                                      float beta2, float epsilon, int t) {
        int n = w.length;
        double c1 = (float) (1 / (1 - Math.pow(beta1, t)));
        double c2 = (float) (1 / (1 - Math.pow(beta2, t)));
        Bounded weights = new Bounded(new double[n], new double[n]);
        Bounded first = new Bounded(new double[n], new double[n]);
        Bounded second = new Bounded(new double[n], new double[n]);
        for (int i = 0; i < n; i++) {
            double gi = g[i];
            double mi = beta1 * (double) m[i] + (1 - (double) beta1) * gi;
            double vi = beta2 * (double) v[i] + (1 - (double) beta2) * gi * gi;
            first.values[i] = mi;
            first.bounds[i] = ErrorBounds.adamMoment(Math.abs(beta1 * (double) m[i]) + Math.abs((1 - (double) beta1) * gi));
            second.values[i] = vi;
            second.bounds[i] = ErrorBounds.adamMoment(vi);
            double step = learningRate * (mi * c1) / (Math.sqrt(vi * c2) + epsilon);
            weights.values[i] = w[i] - step;
            weights.bounds[i] = ErrorBounds.adamWeight(w[i], step, first.bounds[i] / Math.abs(mi),
                    second.bounds[i] / vi);
        }
        return new AdamStep(weights, first, second);
    }
}
