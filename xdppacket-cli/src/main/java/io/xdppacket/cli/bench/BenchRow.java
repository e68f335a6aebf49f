package io.xdppacket.cli.bench;

import java.util.List;

/**
 * The performance table: its row 1 is the test environment ({@link Environment}), rows 2–11
 * are these. Each row says which side of the veth is measured, over how many queues, through which
 * API, and what the C side ({@code cbench/}, libxdp) runs for the same row, if anything.
 *
 * <p>"Single-frame" rows move one frame per call, "batch" rows {@code --batch} frames per call. The
 * two unqualified multi-queue rows (6, 7) use {@code XdpMultiQueue}'s own calls from one thread (the
 * calls {@code writePackets} / {@code zeroCopyReadPacket}); rows 8–11 give each queue's socket
 * ({@code XdpMultiQueue.sockets()}) a thread of its own.
 */
public enum BenchRow {
    SQ_SINGLE_SEND(2, "single-queue single-frame send", Direction.SEND, false, Api.SINGLE, false, CShape.TX_PER_QUEUE),
    SQ_BATCH_SEND(3, "single-queue batch send", Direction.SEND, false, Api.BATCH, false, CShape.TX_PER_QUEUE),
    SQ_SINGLE_RECV(4, "single-queue single-frame receive", Direction.RECEIVE, false, Api.SINGLE, false, CShape.RX_ONE_THREAD),
    SQ_BATCH_RECV(5, "single-queue batch receive", Direction.RECEIVE, false, Api.BATCH, false, CShape.RX_ONE_THREAD),
    MQ_SEND(6, "multi-queue send", Direction.SEND, true, Api.SET, false, CShape.NONE),
    MQ_RECV(7, "multi-queue receive", Direction.RECEIVE, true, Api.SET, false, CShape.RX_ONE_THREAD),
    MQ_SINGLE_SEND(8, "multi-queue single-frame send", Direction.SEND, true, Api.SINGLE, true, CShape.TX_PER_QUEUE),
    MQ_BATCH_SEND(9, "multi-queue batch send", Direction.SEND, true, Api.BATCH, true, CShape.TX_PER_QUEUE),
    MQ_SINGLE_RECV(10, "multi-queue single-frame receive", Direction.RECEIVE, true, Api.SINGLE, true, CShape.RX_ONE_THREAD),
    MQ_BATCH_RECV(11, "multi-queue batch receive", Direction.RECEIVE, true, Api.BATCH, true, CShape.RX_ONE_THREAD);

    /** Which end of the veth the row measures. */
    public enum Direction { SEND, RECEIVE }

    /** How our side moves frames. */
    public enum Api {
        /** One frame per call: {@code writePacket(byte[])}, {@code zeroCopyReadPacket()}. */
        SINGLE,
        /** {@code --batch} frames per call: {@code writePackets(byte[][])}, {@code zeroCopyReadPackets(PacketBatch)}. */
        BATCH,
        /** {@code XdpMultiQueue}'s own calls from one thread: {@code writePacket(frames)} spread over the queues, {@code zeroCopyReadPacket} (one frame from each queue). */
        SET
    }

    /** What the C side can run for a row. */
    public enum CShape {
        /** Nothing: cbench sends on one queue per process and has no spreading write. */
        NONE,
        /** One {@code cbench txonly} process per queue, each bound to its queue. */
        TX_PER_QUEUE,
        /**
         * One {@code cbench rxdrop} process over all the row's queues: one thread, which takes up
         * to its batch from each queue in turn. An interface has one XDP program, so C cannot give
         * each queue a process of its own; for rows 10 and 11 it is one thread against our one per queue.
         */
        RX_ONE_THREAD
    }

    public final int number;
    public final String title;
    public final Direction direction;
    public final boolean multiQueue;
    public final Api api;
    /** A thread per queue (rows 8–11), or one thread for everything. */
    public final boolean threadPerQueue;
    public final CShape c;

    BenchRow(int number, String title, Direction direction, boolean multiQueue, Api api, boolean threadPerQueue, CShape c) {
        this.number = number;
        this.title = title;
        this.direction = direction;
        this.multiQueue = multiQueue;
        this.api = api;
        this.threadPerQueue = threadPerQueue;
        this.c = c;
    }

    public boolean sends() {
        return direction == Direction.SEND;
    }

    /** Queues the row uses, given the multi-queue rows' count. */
    public int queues(int multiQueueCount) {
        return multiQueue ? multiQueueCount : 1;
    }

    /** C's {@code -b}: frames per queue per loop, the same per-queue batch as ours. */
    public int cBatch(int batch) {
        return api == Api.BATCH ? batch : 1;
    }

    /** Whether C's figure for this row comes from a different thread layout than ours (see {@link CShape#RX_ONE_THREAD}). */
    public boolean cLayoutDiffers() {
        return c == CShape.RX_ONE_THREAD && threadPerQueue;
    }

    /** The row with this number (2–11). */
    public static BenchRow byNumber(int number) {
        for (BenchRow r : values()) if (r.number == number) return r;
        throw new IllegalArgumentException("no row " + number + ": rows are 2..11 (row 1 is the test environment)");
    }

    public static List<BenchRow> all() {
        return List.of(values());
    }
}
