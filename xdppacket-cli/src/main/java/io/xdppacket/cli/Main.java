package io.xdppacket.cli;

import io.xdppacket.cli.bench.BenchCommand;
import io.xdppacket.cli.demo.DemoCommand;
import io.xdppacket.cli.recv.RecvCommand;
import io.xdppacket.cli.send.SendCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/** The {@code xdppacket} command. */
@Command(name = "xdppacket", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Line-rate packet I/O on Linux through AF_XDP sockets, in pure Java.",
        subcommands = {DemoCommand.class, SendCommand.class, RecvCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  sudo xdppacket demo",
                "      AF_XDP both ways on a veth pair of its own",
                "  sudo xdppacket send eth0 --count 1000",
                "      1000 UDP frames out of queue 0 of eth0",
                "  sudo xdppacket recv eth0 -w in.pcapng",
                "      capture queue 0 of eth0 until Ctrl-C",
                "  sudo xdppacket bench --quick",
                "      every row of the performance table, briefly",
                "  xdppacket help send",
                "      what send does: its options, examples, output and exit codes",
                "",
                "Exit codes: 0 ok, 1 failure, 2 bad usage, 3 missing privilege or kernel feature, 130 interrupted."})
public final class Main implements Runnable {
    @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces with errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Which output streams are terminals; the subcommands reach it through {@code @ParentCommand}. */
    private final Terminal terminal;

    private Main(Terminal terminal) {
        this.terminal = terminal;
    }

    /** Which of stdout and stderr a person is watching. */
    public Terminal terminal() {
        return terminal;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (demo, send, recv or bench)");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), Terminal.detect()));
    }

    /** Runs the command with the given streams, as into pipes (no terminal); returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, Terminal.NONE);
    }

    /** Runs the command with the given streams, which {@code terminal} says are terminals or not; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Terminal terminal) {
        boolean verbose = Arrays.asList(args).contains("-v") || Arrays.asList(args).contains("--verbose");
        CommandLine cl = commandLine(terminal);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            err.println(c.getCommandSpec().qualifiedName() + ": " + usageMessage(ex));
            err.println("try '" + c.getCommandSpec().qualifiedName() + " --help'");
            return CliErrors.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            err.println(c.getCommandSpec().qualifiedName() + ": " + oneLine(ex));
            if (verbose) ex.printStackTrace(err);
            return CliErrors.exitCode(ex);
        });
        return cl.execute(args);
    }

    /** The command and its subcommands, as picocli models them (also for tests of the help texts). */
    static CommandLine commandLine(Terminal terminal) {
        return new CommandLine(new Main(terminal));
    }

    /**
     * picocli's message, with its "did you mean" suggestions for a mistyped command or option on the
     * same line: {@code Unknown option: '--cout'; did you mean --count?}.
     */
    static String usageMessage(CommandLine.ParameterException ex) {
        String m = ex.getMessage();
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u)) return m;
        List<String> suggestions = u.getSuggestions();
        boolean command = !u.isUnknownOption() && !u.getCommandLine().getSubcommands().isEmpty()
                && u.getUnmatched().size() == 1 && !u.getUnmatched().getFirst().startsWith("-");
        if (command) m = "unknown command '" + u.getUnmatched().getFirst() + "'";
        if (suggestions.isEmpty()) return m;
        return m + "; did you mean " + String.join(" or ", suggestions) + "?";
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) m = t.getClass().getSimpleName();
        // Verifier logs and netlink texts can span lines; the first line says what failed.
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl) + " (more with --verbose)";
    }

    /**
     * {@code -V}/{@code --version} of every command: {@code xdppacket 0.2.0}, then the Java runtime and
     * the kernel it runs on. The version comes from {@code version.properties}, which the build fills in.
     */
    public static final class Version implements CommandLine.IVersionProvider {
        /** The version the build wrote, e.g. {@code 0.2.0}. */
        public static String number() {
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in == null) throw new IllegalStateException("version.properties is missing from the command's jar");
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String[] getVersion() {
            return new String[] {"xdppacket " + number(),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + "), "
                            + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")};
        }
    }
}
