import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The end of ./run-tests: which tests were skipped and why (a missing tool, no root), read from the
 * surefire reports this run wrote, so that a skip is seen on the console and not only in the XML.
 * Ends with the run's totals as one plain line: {@code tests: 812 passed, 0 failed, 32 skipped}.
 *
 * <pre>java scripts/SkippedTests.java SINCE DIR...</pre>
 * SINCE: a file made before the run; only reports newer than it count (older ones are from earlier
 * runs, e.g. of other tests). DIR: surefire report directories; missing ones are passed over.
 * Exit code 0, also when it finds no report (the build's own output says why).
 */
public class SkippedTests {
    /** One test case as the report has it. */
    record Case(String className, String name, String skipReason) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java scripts/SkippedTests.java SINCE-FILE REPORT-DIR...");
            System.exit(2);
        }
        long since = Files.getLastModifiedTime(Path.of(args[0])).toMillis();
        List<Case> cases = new ArrayList<>();
        int failed = 0;
        for (int i = 1; i < args.length; i++) {
            Path dir = Path.of(args[i]);
            if (!Files.isDirectory(dir)) continue;
            for (Path report : reports(dir, since)) failed += read(report, cases);
        }
        if (cases.isEmpty() && failed == 0) return;
        System.out.print(format(cases, failed));
    }

    /** The run's {@code TEST-*.xml} files: those modified after {@code since}. */
    static List<Path> reports(Path dir, long since) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("TEST-") && p.toString().endsWith(".xml"))
                    .filter(p -> {
                        try {
                            return Files.getLastModifiedTime(p).toMillis() >= since;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .sorted().toList();
        }
    }

    /** Adds the report's test cases; returns how many failed or had an error. */
    static int read(Path report, List<Case> cases) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setExpandEntityReferences(false);
        Document doc = f.newDocumentBuilder().parse(report.toFile());
        NodeList testcases = doc.getElementsByTagName("testcase");
        int failed = 0;
        for (int i = 0; i < testcases.getLength(); i++) {
            Element tc = (Element) testcases.item(i);
            String reason = null;
            NodeList skipped = tc.getElementsByTagName("skipped");
            if (skipped.getLength() > 0) reason = reason((Element) skipped.item(0));
            if (tc.getElementsByTagName("failure").getLength() > 0 || tc.getElementsByTagName("error").getLength() > 0) failed++;
            cases.add(new Case(tc.getAttribute("classname"), tc.getAttribute("name"), reason));
        }
        return failed;
    }

    /**
     * Why a test was skipped: the message of a disabled test, or for a failed assumption (which
     * surefire records as a stack trace) the first line of the trace without the exception's name.
     */
    static String reason(Element skipped) {
        String m = skipped.getAttribute("message").strip();
        if (m.isEmpty()) {
            m = skipped.getTextContent().strip().lines().findFirst().orElse("");
            m = m.replaceFirst("^[\\w.$]+(Exception|Error): ", "").replaceFirst("^Assumption failed: ", "");
        }
        return m.isEmpty() ? "(no reason given)" : m;
    }

    /** The skipped tests grouped by reason, then by class; the totals line last. */
    static String format(List<Case> cases, int failed) {
        Map<String, Map<String, List<String>>> byReason = new TreeMap<>();
        int skipped = 0;
        for (Case c : cases) {
            if (c.skipReason() == null) continue;
            skipped++;
            String simple = c.className().substring(c.className().lastIndexOf('.') + 1);
            byReason.computeIfAbsent(c.skipReason(), r -> new TreeMap<>())
                    .computeIfAbsent(simple, k -> new ArrayList<>()).add(c.name());
        }
        StringBuilder s = new StringBuilder();
        if (skipped > 0) {
            s.append(System.lineSeparator()).append("Skipped: ").append(skipped).append(skipped == 1 ? " test" : " tests")
                    .append(", by reason:").append(System.lineSeparator());
            for (var reason : byReason.entrySet()) {
                int n = reason.getValue().values().stream().mapToInt(List::size).sum();
                s.append("  ").append(reason.getKey()).append(": ").append(n).append(n == 1 ? " test" : " tests")
                        .append(System.lineSeparator());
                for (var cls : reason.getValue().entrySet()) {
                    s.append("    ").append(cls.getKey()).append(": ").append(String.join(", ", cls.getValue()))
                            .append(System.lineSeparator());
                }
            }
            s.append("Install what is missing (the README lists the packages) or run as root to run them.")
                    .append(System.lineSeparator());
        }
        int passed = cases.size() - skipped - failed;
        s.append("tests: ").append(passed).append(" passed, ").append(failed).append(" failed, ").append(skipped)
                .append(" skipped").append(System.lineSeparator());
        return s.toString();
    }
}
