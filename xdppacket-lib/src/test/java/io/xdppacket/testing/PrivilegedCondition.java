package io.xdppacket.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.ArrayList;
import java.util.List;

/** Evaluates {@link Privileged}. */
public final class PrivilegedCondition implements ExecutionCondition {
    private static final boolean REQUIRED = "1".equals(System.getenv("XDPPACKET_REQUIRE_PRIVILEGED"));

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        List<String> tools = new ArrayList<>();
        context.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, Privileged.class))
                .ifPresent(p -> tools.addAll(List.of(p.tools())));
        String missing = null;
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            missing = "needs Linux (AF_XDP)";
        } else if (!effectiveUidIsRoot()) {
            missing = "needs root (AF_XDP sockets, BPF, network namespaces)";
        } else {
            for (String tool : tools) {
                if (!Tools.available(tool)) {
                    missing = "needs " + Tools.describe(tool);
                    break;
                }
            }
        }
        if (missing == null) return ConditionEvaluationResult.enabled("privileged and tools present");
        if (REQUIRED) {
            throw new IllegalStateException(missing + ", and XDPPACKET_REQUIRE_PRIVILEGED=1 forbids skipping");
        }
        return ConditionEvaluationResult.disabled(missing);
    }

    /** The effective uid from {@code /proc/self/status} ("Uid: real effective saved fs"). */
    private static boolean effectiveUidIsRoot() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.substring(4).trim().split("\\s+")[1].equals("0");
            }
        } catch (java.io.IOException e) {
            return false;
        }
        return false;
    }
}
