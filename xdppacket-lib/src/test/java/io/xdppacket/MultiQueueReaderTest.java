package io.xdppacket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;

import static io.xdppacket.EngineFixture.await;
import static io.xdppacket.EngineFixture.failureOf;
import static io.xdppacket.EngineFixture.frame;
import static io.xdppacket.EngineFixture.onOtherThread;
import static io.xdppacket.EngineFixture.options;
import static io.xdppacket.EngineFixture.resultOf;
import static io.xdppacket.EngineFixture.seqOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The multi-queue reader over sockets on kernels played in memory: no root, no network. */
class MultiQueueReaderTest {
    private InMemorySocket[] members;
    private SocketResources set;
    private MultiQueueReader reader;

    private void open(int queues, XdpOptions options) throws XdpException {
        members = new InMemorySocket[queues];
        Receiver[] receivers = new Receiver[queues];
        int[] fds = new int[queues];
        for (int q = 0; q < queues; q++) {
            members[q] = new InMemorySocket(options, q, 32);
            receivers[q] = members[q].receiver;
            fds[q] = -1;
        }
        set = SocketResources.create("set");
        reader = new MultiQueueReader(set, receivers, fds, options);
        for (InMemorySocket m : members) m.listener = reader;
    }

    @AfterEach
    void close() {
        if (set != null && set.markClosed()) {
            set.awaitIdle(reader.guard());
            set.release();
        }
        if (members != null) for (InMemorySocket m : members) m.close();
    }

    /** Frame {@code seq} of queue {@code q}: the sequence number says both. */
    private static byte[] frameOf(int q, int seq) {
        return frame(q * 1_000_000 + seq);
    }

    @Test
    void aBusyQueueGetsItsShareAndNoMoreWhileOthersHaveFrames() throws Exception {
        open(4, options(IoMode.NONBLOCK));
        for (int i = 0; i < 40; i++) assertTrue(members[0].kernel().receive(frameOf(0, i)));
        for (int i = 0; i < 3; i++) assertTrue(members[2].kernel().receive(frameOf(2, i)));
        PacketBatch batch = new PacketBatch(16);
        int[] next = new int[4];
        int total = 0;
        int firstRound = reader.readFairly(batch);
        int fromQueue2 = 0;
        for (int i = 0; i < firstRound; i++) if (batch.get(i).info().queueId() == 2) fromQueue2++;
        assertEquals(3, fromQueue2, "queue 2's 3 frames fit in its share of 4");
        for (int n = firstRound; n > 0; n = reader.readFairly(batch)) {
            for (int i = 0; i < n; i++) {
                Packet p = batch.get(i);
                int q = p.info().queueId();
                assertEquals(q * 1_000_000 + next[q]++, seqOf(p), "frames of one queue keep their order");
            }
            total += n;
        }
        assertEquals(43, total);
    }

    @Test
    void oneFrameFromEachQueue() throws Exception {
        open(3, options(IoMode.NONBLOCK));
        for (int q = 0; q < 3; q++) {
            for (int i = 0; i < 2; i++) assertTrue(members[q].kernel().receive(frameOf(q, i)));
        }
        PacketBatch batch = new PacketBatch(3);
        assertEquals(3, reader.readOneEach(batch));
        for (int q = 0; q < 3; q++) assertEquals(q * 1_000_000, seqOf(batch.get(q)));
        List<byte[]> copies = reader.readCopies(new PacketInfo[3]);
        assertEquals(3, copies.size());
        for (int q = 0; q < 3; q++) assertEquals(q * 1_000_000 + 1, seqOf(copies.get(q)));
        assertEquals(0, reader.readOneEach(batch), "NONBLOCK: nothing left");
    }

    /** The set's read is the reading thread of every member: a member read at the same time is refused, and the other way round. */
    @Test
    void theSetsReadAndAMembersReadRefuseEachOther() throws Exception {
        open(2, options(IoMode.BLOCK));
        Future<Integer> setRead = onOtherThread(() -> reader.readFairly(new PacketBatch(8)));
        await(() -> !reader.guard().isIdle(), "the set's read waits");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> members[1].receiver.readOne());
        assertTrue(e.getMessage().contains("an XdpMultiQueue's reads are the reading thread of every socket"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> reader.readFairly(new PacketBatch(8)), "a second set read");
        assertTrue(members[1].kernel().receive(frameOf(1, 0)));
        assertEquals(1, resultOf(setRead));

        Future<Packet> memberRead = onOtherThread(() -> members[0].receiver.readOne());
        await(() -> !members[0].receiver.guard().isIdle(), "the member's read waits");
        assertThrows(IllegalStateException.class, () -> reader.readFairly(new PacketBatch(8)));
        assertTrue(reader.guard().isIdle(), "the refused read let go of everything");
        assertTrue(members[1].receiver.guard().isIdle());
        assertTrue(members[0].kernel().receive(frameOf(0, 0)));
        assertEquals(0, seqOf(resultOf(memberRead)));
    }

    /** A member that closes on its own is dropped by a waiting reader, which lets its close finish. */
    @Test
    void aMemberClosingWhileTheSetWaitsIsDroppedAndTheRestKeepWorking() throws Exception {
        open(3, options(IoMode.BLOCK));
        PacketBatch batch = new PacketBatch(8);
        Future<Integer> setRead = onOtherThread(() -> reader.readFairly(batch));
        await(() -> !reader.guard().isIdle(), "the set's read waits");
        members[1].close();  // waits for the reader to let go of queue 1
        assertTrue(members[1].resources.isClosed());
        assertTrue(members[2].kernel().receive(frameOf(2, 5)));
        assertEquals(1, resultOf(setRead));
        assertEquals(2_000_005, seqOf(batch.get(0)));
        members[0].close();
        members[2].close();
        assertTrue(assertThrows(XdpClosedException.class, () -> reader.readFairly(batch)).getMessage().contains("every socket of set"));
    }

    @Test
    void aBlockedSetReadEndsWhenAnInterfaceIsGone() throws Exception {
        open(2, options(IoMode.BLOCK));
        Future<Integer> setRead = onOtherThread(() -> reader.readFairly(new PacketBatch(8)));
        await(() -> !reader.guard().isIdle(), "the set's read waits");
        Arrays.stream(members).forEach(m -> m.kernel().goAway());
        Throwable t = failureOf(setRead);
        assertTrue(t.getMessage().contains("the interface is gone"), t.getMessage());
    }

    @Test
    void closingTheSetEndsABlockedRead() throws Exception {
        open(2, options(IoMode.BLOCK));
        Future<Integer> setRead = onOtherThread(() -> reader.readFairly(new PacketBatch(8)));
        await(() -> !reader.guard().isIdle(), "the set's read waits");
        set.markClosed();
        assertInstanceOf(XdpClosedException.class, failureOf(setRead));
        assertTrue(members[0].receiver.guard().isIdle(), "the members' guards are free again");
    }
}
