package dev.fastnn.spark;

import dev.fastnn.kernels.Backend;
import dev.fastnn.kernels.Backends;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;

/**
 * The fastnn backends of this JVM for Spark tasks: one per backend name and thread count, made by the first
 * task that asks and shared by every later task on the executor (a backend is safe to use from several
 * threads, and the vector backend's results do not depend on how many tasks use it at once). Nothing here
 * ties a task to an executor: any executor builds the same backend from the same name and thread count, so
 * tasks can be retried anywhere and executors can come and go.
 */
final class ExecutorBackends {
    /** More threads than any executor has cores is a mistake, not a setting. */
    static final int MAX_THREADS = 1024;

    private static final Map<String, Backend> BACKENDS = new ConcurrentHashMap<>();

    private ExecutorBackends() {
    }

    /**
     * The backend {@code name} for the running task, computing on {@code threads} threads, or when that is 0
     * on as many as the task has CPUs ({@code spark.task.cpus}); outside a task (on the driver) on one.
     */
    static Backend forTask(String name, int threads) {
        int n = threads > 0 ? threads : taskCpus();
        String key = name.toLowerCase(Locale.ROOT) + "/" + n;
        return BACKENDS.computeIfAbsent(key, k -> Backends.create(name, n));
    }

    private static int taskCpus() {
        TaskContext task = TaskContext.get();
        return task == null ? 1 : Math.max(1, task.cpus());
    }
}
