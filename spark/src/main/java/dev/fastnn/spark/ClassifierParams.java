package dev.fastnn.spark;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The columns a classifier writes besides the prediction, shared by {@link FastnnClassifier} and
 * {@link FastnnClassificationModel} as in Spark's probabilistic classifiers. An empty column name leaves
 * that column out.
 *
 * @param <T> the implementing class, which the setters return
 */
public interface ClassifierParams<T extends ClassifierParams<T>> extends ScoringParams<T> {

    /** Class probabilities, a Vector of one value per class; default {@code probability}. */
    Param<String> probabilityCol();

    /** The output layer's values before its activation (the logits of a softmax), a Vector; default {@code rawPrediction}. */
    Param<String> rawPredictionCol();

    default String getProbabilityCol() {
        return $(probabilityCol());
    }

    default String getRawPredictionCol() {
        return $(rawPredictionCol());
    }

    @SuppressWarnings("unchecked")
    default T setProbabilityCol(String column) {
        return (T) set(probabilityCol(), column);
    }

    @SuppressWarnings("unchecked")
    default T setRawPredictionCol(String column) {
        return (T) set(rawPredictionCol(), column);
    }

    static Param<String> defineProbabilityCol(Params owner) {
        return new Param<>(owner, "probabilityCol", "column of class probabilities (a Vector); empty for none");
    }

    static Param<String> defineRawPredictionCol(Params owner) {
        return new Param<>(owner, "rawPredictionCol",
                "column of the output layer's values before its activation (a Vector); empty for none");
    }

    /** The defaults; called by each owner's constructor after it has created its params. */
    static void setDefaults(ClassifierParams<?> owner) {
        owner.setDefault(owner.probabilityCol(), "probability");
        owner.setDefault(owner.rawPredictionCol(), "rawPrediction");
    }
}
