package io.xdppacket.cli;

import io.xdppacket.cli.bench.BenchCommand;
import io.xdppacket.cli.demo.DemoCommand;
import io.xdppacket.cli.recv.RecvCommand;
import io.xdppacket.cli.send.SendCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Arrays;

/** The {@code xdppacket} command. */
@Command(name = "xdppacket", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Line-rate packet I/O through AF_XDP sockets, in pure Java.",
        subcommands = {DemoCommand.class, SendCommand.class, RecvCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failure, 2 bad usage, 3 missing privilege or kernel feature, 130 interrupted."})
public final class Main implements Runnable {
    @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces with errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = Arrays.asList(args).contains("-v") || Arrays.asList(args).contains("--verbose");
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            err.println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
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

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) m = t.getClass().getSimpleName();
        // Verifier logs and netlink texts can span lines; the first line says what failed.
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl) + " (more with --verbose)";
    }

    /** Version from the jar's manifest (Implementation-Version), or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"xdppacket " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
