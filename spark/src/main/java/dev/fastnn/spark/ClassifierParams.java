package dev.fastnn.spark;

import java.io.Serializable;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The columns a classifier writes besides the prediction, shared by {@link FastnnClassifier} and
 * {@link FastnnClassificationModel} as in Spark's probabilistic classifiers (and held as
 * {@link ScoringParams} holds its params). An empty column name leaves that column out.
 *
 * @param <T> the implementing class, which the setters return
 */
public interface ClassifierParams<T extends ClassifierParams<T>> extends ScoringParams<T> {

    /** This owner's classifier params. */
    OutputColumns classifierParams();

    /** Class probabilities, a Vector of one value per class; default {@code probability}. */
    default Param<String> probabilityCol() {
        return classifierParams().probabilityCol;
    }

    /**
     * The output layer's values before its activation (the logits of a softmax), a Vector; default
     * {@code rawPrediction}.
     */
    default Param<String> rawPredictionCol() {
        return classifierParams().rawPredictionCol;
    }

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

    /** The classifier columns of one owner, with their defaults. */
    final class OutputColumns implements Serializable {
        private static final long serialVersionUID = 1L;

        final Param<String> probabilityCol;
        final Param<String> rawPredictionCol;

        /** Makes {@code owner}'s params and sets their defaults; call it from the owner's constructor. */
        OutputColumns(Params owner) {
            probabilityCol = new Param<>(owner, "probabilityCol",
                    "column of class probabilities (a Vector); empty for none");
            rawPredictionCol = new Param<>(owner, "rawPredictionCol",
                    "column of the output layer's values before its activation (a Vector); empty for none");
            owner.setDefault(probabilityCol, "probability");
            owner.setDefault(rawPredictionCol, "rawPrediction");
        }
    }
}
