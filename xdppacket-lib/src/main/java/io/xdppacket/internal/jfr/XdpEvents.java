package io.xdppacket.internal.jfr;

import jdk.jfr.FlightRecorder;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The library's JFR events, so that {@code jcmd PID JFR.start} and JDK Mission Control show what a
 * running application's sockets do. Everything here runs when sockets open and close, when a
 * program is attached or detached, and once per period for each open socket — never per frame.
 * When no recording asks for an event, creating and committing it costs next to nothing.
 */
public final class XdpEvents {
    private XdpEvents() {}

    /** Open sockets and sets, each able to fill a statistics event (false if it could not: closed meanwhile). */
    private static final Set<Predicate<SocketStatsEvent>> OPEN = ConcurrentHashMap.newKeySet();

    static {
        FlightRecorder.addPeriodicEvent(SocketStatsEvent.class, XdpEvents::emitStatistics);
    }

    private static void emitStatistics() {
        for (Predicate<SocketStatsEvent> source : OPEN) {
            SocketStatsEvent e = new SocketStatsEvent();
            if (source.test(e)) e.commit();
        }
    }

    /**
     * A socket or set opened ({@code event} began before the open): commits its open event and, until
     * {@link #closed}, gives it a periodic statistics event. Returns the handle to close with.
     */
    public static Object opened(SocketOpenEvent event, io.xdppacket.XdpPort port) {
        if (event.shouldCommit()) {
            fill(event, port);
            event.commit();
        }
        Predicate<SocketStatsEvent> statistics = e -> {
            try {
                fill(e, port.toString(), port.interfaceName(), port.queueCount(), port.stats());
                return true;
            } catch (io.xdppacket.XdpException | RuntimeException closed) {
                return false;  // closed meanwhile: its close event has the final counters
            }
        };
        OPEN.add(statistics);
        return statistics;
    }

    /** A port closed ({@code event} began before the close): no more statistics; commits the close event with the last counters. */
    public static void closed(SocketCloseEvent event, Object handle, String socket, io.xdppacket.XdpStats last) {
        OPEN.remove(handle);
        if (!event.shouldCommit()) return;
        event.socket = socket;
        if (last != null) {
            event.rxPackets = last.rxPackets();
            event.txPackets = last.txPackets();
            event.kernelRxDrops = last.kernelRxDropsTotal();
        }
        event.commit();
    }

    /** Fills a statistics event with a socket's (or set's total) counters. */
    public static void fill(SocketStatsEvent e, String socket, String interfaceName, int queues, io.xdppacket.XdpStats s) {
        e.socket = socket;
        e.interfaceName = interfaceName;
        e.queues = queues;
        e.rxPackets = s.rxPackets();
        e.rxBytes = s.rxBytes();
        e.txPackets = s.txPackets();
        e.txBytes = s.txBytes();
        e.txCompleted = s.txCompleted();
        e.txDropped = s.txDropped();
        e.txForwarded = s.txForwarded();
        e.kernelRxDrops = s.kernelRxDropsTotal();
        e.kernelRxRingFull = s.kernelRxRingFull();
        e.kernelRxFillRingEmpty = s.kernelRxFillRingEmpty();
        e.rxInvalid = s.rxInvalid();
        e.filterMatched = s.filterMatched();
        e.filterPassed = s.filterPassed();
    }

    /** Fills an open event with what a port became. */
    public static void fill(SocketOpenEvent e, io.xdppacket.XdpPort p) {
        e.socket = p.toString();
        e.interfaceName = p.interfaceName();
        e.queues = p.queueCount();
        e.mode = String.valueOf(p.mode());
        e.modeReason = p.modeReason();
        e.zeroCopy = p.isZeroCopy();
        e.multiBuffer = p.isMultiBuffer();
        e.filter = p.options().filter() != null ? p.options().filter() : p.options().filterBytecode() != null ? "(bytecode)" : null;
        e.options = p.options().toString();
    }

    /** Whether a recording wants program events (saves building their strings when none does). */
    public static boolean programEventsEnabled() {
        return new ProgramEvent().isEnabled();
    }
}
