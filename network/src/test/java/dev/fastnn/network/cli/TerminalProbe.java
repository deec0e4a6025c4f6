package dev.fastnn.network.cli;

/** Prints what {@link Main#stdoutIsTerminal()} says in this process, for {@code TerminalDetectionTest}'s child JVMs. */
public final class TerminalProbe {
    private TerminalProbe() {
    }

    public static void main(String[] args) {
        System.out.println("terminal=" + Main.stdoutIsTerminal());
    }
}
