package dev.fastnn.network.model;

import java.util.Locale;

/** What a model's outputs are: class probabilities (or scores) or real-valued targets. */
public enum Task {
    /** One output per class; the predicted class is the largest output. */
    CLASSIFICATION("classification"),
    /** Each output is a real-valued prediction of a target. */
    REGRESSION("regression");

    private final String id;

    Task(String id) {
        this.id = id;
    }

    /** The name used on the command line and in messages. */
    public String id() {
        return id;
    }

    /** Parses an {@link #id()}; an unknown name lists the valid ones. */
    public static Task parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (Task task : values()) {
            if (task.id.equals(key)) {
                return task;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name + "'; valid: classification, regression");
    }
}
