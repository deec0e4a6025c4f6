package dev.fastnn.network.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** The one line {@code fastnn} prints for a command line picocli rejects, in the words of fastnn's other messages. */
final class UsageMessages {
    private UsageMessages() {
    }

    /** Picocli's complaint in one line, with its suggestions for a misspelt option or command. */
    static String describe(ParameterException e) {
        // Picocli checks required options before it reports unknown ones, but a misspelt name is the real news.
        List<String> unmatched = e.getCommandLine().getUnmatchedArguments();
        if (!(e instanceof UnmatchedArgumentException) && !unmatched.isEmpty()) {
            return describe(new UnmatchedArgumentException(e.getCommandLine(), unmatched));
        }
        if (e instanceof CommandLine.OverwrittenOptionException o) {
            String name = o.getOverwritten() instanceof OptionSpec option ? option.longestName()
                    : o.getOverwritten().paramLabel();
            return "'" + name + "' is given more than once";
        }
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            String typed = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String what;
            if (arg.startsWith("-")) {
                what = "unknown option '" + typed + "'";
            } else if (!u.getCommandLine().getSubcommands().isEmpty()) {
                what = "unknown command '" + arg + "'";
            } else {
                what = "unexpected argument '" + arg + "'";
            }
            // Picocli suggests every name that looks alike; the nearest ones by edit distance are the ones meant.
            int nearest = Integer.MAX_VALUE;
            List<String> quoted = new ArrayList<>();
            for (String s : u.getSuggestions()) {
                int d = editDistance(typed, s);
                if (d < nearest) {
                    nearest = d;
                    quoted.clear();
                }
                if (d == nearest) {
                    quoted.add("'" + s + "'");
                }
            }
            return quoted.isEmpty() ? what : what + "; did you mean " + String.join(" or ", quoted) + "?";
        }
        String message = e.getMessage().endsWith(".") ? e.getMessage().substring(0, e.getMessage().length() - 1)
                : e.getMessage();
        return message.isEmpty() ? message : message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
