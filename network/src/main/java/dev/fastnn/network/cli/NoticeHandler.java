package dev.fastnn.network.cli;

import java.io.PrintWriter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Shows, while {@link Main#run} runs, the notices fastnn's library code logs through {@link System.Logger}
 * (which the JDK backs with java.util.logging): a record of a {@value #LOGGER} logger at WARNING or above is
 * one line {@code fastnn: message} on the error stream, without java.util.logging's timestamp line; INFO and
 * DEBUG records only with {@code --verbose}, as {@code fastnn: info: message}. Aparapi's own records (its
 * {@value #APARAPI} logger, such as a SEVERE line when no OpenCL library loads) say what fastnn's notices and
 * errors already say, so they show only with {@code --verbose}, as {@code fastnn: aparapi: message}.
 * {@link #close} removes the handler and restores the loggers' settings, so code that embeds
 * {@code Main.run} keeps its own logging afterwards.
 */
final class NoticeHandler extends Handler {
    static final String LOGGER = "dev.fastnn";
    static final String APARAPI = "com.aparapi";

    private final PrintWriter err;
    /** Held here because java.util.logging holds loggers weakly: a collected one would lose these settings. */
    private final Logger logger;
    private final Logger aparapi;
    private final Level previousLevel;
    private final boolean previousUseParentHandlers;
    private final boolean previousAparapiUseParentHandlers;
    /** Only for {@link Formatter#formatMessage}: parameters and resource bundles, no decoration. */
    private final Formatter messages = new SimpleFormatter();
    private boolean verbose;

    NoticeHandler(PrintWriter err) {
        this.err = err;
        logger = Logger.getLogger(LOGGER);
        previousLevel = logger.getLevel();
        previousUseParentHandlers = logger.getUseParentHandlers();
        logger.addHandler(this);
        logger.setUseParentHandlers(false);
        // Aparapi sets its logger's level itself (com.aparapi.logLevel); only where its records go changes here.
        aparapi = Logger.getLogger(APARAPI);
        previousAparapiUseParentHandlers = aparapi.getUseParentHandlers();
        aparapi.addHandler(this);
        aparapi.setUseParentHandlers(false);
        verbose(false);
    }

    /** With {@code true}, records from DEBUG (java.util.logging's FINE) up; else WARNING and above. */
    void verbose(boolean on) {
        verbose = on;
        Level level = on ? Level.FINE : Level.WARNING;
        logger.setLevel(level);
        setLevel(level);
    }

    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        String name = record.getLoggerName();
        if (name != null && name.startsWith(APARAPI)) {
            if (verbose) {
                err.println("fastnn: aparapi: " + messages.formatMessage(record));
            }
            return;
        }
        int level = record.getLevel().intValue();
        String kind = level >= Level.WARNING.intValue() ? "" : level >= Level.INFO.intValue() ? "info: " : "debug: ";
        err.println("fastnn: " + kind + messages.formatMessage(record));
        if (verbose && record.getThrown() != null) {
            record.getThrown().printStackTrace(err);
        }
    }

    @Override
    public void flush() {
        err.flush();
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previousLevel);
        logger.setUseParentHandlers(previousUseParentHandlers);
        aparapi.removeHandler(this);
        aparapi.setUseParentHandlers(previousAparapiUseParentHandlers);
        flush();
    }
}
