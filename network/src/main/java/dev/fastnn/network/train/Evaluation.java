package dev.fastnn.network.train;

/**
 * A model's results on labelled samples: the loss (normalized as the model's loss), the accuracy in [0, 1]
 * and the confusion matrix, {@code confusion[actual][predicted]} counts.
 */
public record Evaluation(double loss, double accuracy, int[][] confusion) {

    public int samples() {
        int n = 0;
        for (int[] row : confusion) {
            for (int c : row) {
                n += c;
            }
        }
        return n;
    }
}
