package io.xdppacket.internal.xsk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ring logic against a fake kernel on plain memory: no kernel, no privilege. */
class RingTest {

    /** Index start values: fresh, and just below the u32 wrap so every test crosses it. */
    @ParameterizedTest
    @ValueSource(ints = {0, -5, Integer.MAX_VALUE - 3})
    void fillRingEntriesBecomeVisibleOnlyAtSubmit(int start) {
        try (Arena arena = Arena.ofConfined()) {
            KernelRing k = new KernelRing(arena, 8, 8).startAt(start);
            FillRing fill = k.fillRing();
            assertEquals(8, fill.free(1));
            int first = fill.reserve(3);
            assertEquals(start, first, "a reservation starts at the producer index");
            for (int i = 0; i < 3; i++) fill.setAddress(first + i, 4096L * (i + 1));
            assertEquals(start, k.producer(), "nothing published before submit");
            fill.submit();
            assertEquals(start + 3, k.producer());
            for (int i = 0; i < 3; i++) assertEquals(4096L * (i + 1), k.addressAt(start + i));
            assertEquals(3, fill.pendingInKernel());
            k.publishConsumer(start + 3);
            assertEquals(0, fill.pendingInKernel());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -5, Integer.MAX_VALUE - 3})
    void producerStopsAtFullAndSeesSpaceOnlyAfterKernelConsumes(int start) {
        try (Arena arena = Arena.ofConfined()) {
            KernelRing k = new KernelRing(arena, 8, 16).startAt(start);
            TxRing tx = k.txRing();
            assertEquals(8, tx.free(20), "free says how many a reservation can take");
            assertThrows(IllegalStateException.class, () -> tx.reserve(9), "more than free");
            assertEquals(start, tx.reserve(8));
            tx.submit();
            assertEquals(0, tx.free(1), "full");
            k.publishConsumer(start + 5);
            assertEquals(5, tx.free(1), "the refresh reads the kernel's consumer once the cache is exhausted");
            assertEquals(start + 8, tx.reserve(5));
            tx.submit();
            assertEquals(start + 13, k.producer());
        }
    }

    @Test
    void cachedConsumerIsOnlyRefreshedWhenTooFewEntriesAreCached() {
        try (Arena arena = Arena.ofConfined()) {
            KernelRing k = new KernelRing(arena, 16, 8);
            FillRing fill = k.fillRing();
            assertEquals(0, fill.reserve(10));
            fill.submit();
            k.publishConsumer(10);
            // 6 free entries are still cached; asking for up to 6 must not look at the kernel's index.
            assertEquals(6, fill.free(6));
            // Asking for more refreshes and sees the 10 consumed entries come back.
            assertEquals(16, fill.free(7));
        }
    }

    @Test
    void txDescriptorLayoutMatchesStructXdpDesc() {
        try (Arena arena = Arena.ofConfined()) {
            KernelRing k = new KernelRing(arena, 4, 16);
            TxRing tx = k.txRing();
            int i = tx.reserve(2);
            tx.setDescriptor(i, 0x1122334455L, 1514, 1);
            tx.setDescriptor(i + 1, 2048, 60, 0);
            tx.submit();
            assertEquals(0x1122334455L, k.addressAt(0));
            assertEquals(1514, k.lengthAt(0));
            assertEquals(1, k.optionsAt(0));
            assertEquals(2048, k.addressAt(1));
            assertEquals(60, k.lengthAt(1));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -3, Integer.MAX_VALUE - 1})
    void rxRingPeeksWhatTheKernelPublishedAndReleasesOnce(int start) {
        try (Arena arena = Arena.ofConfined()) {
            KernelRing k = new KernelRing(arena, 8, 16).startAt(start);
            RxRing rx = k.rxRing();
            assertEquals(0, rx.available(4));
            for (int i = 0; i < 5; i++) k.putDescriptor(start + i, 2048L * i + 256, 60 + i, 0);
            assertEquals(0, rx.available(4), "not visible before the kernel publishes");
            k.publishProducer(start + 5);
            assertEquals(4, rx.available(4));
            int first = rx.peek(4);
            assertEquals(start, first);
            for (int i = 0; i < 4; i++) {
                assertEquals(2048L * i + 256, rx.address(first + i));
                assertEquals(60 + i, rx.length(first + i));
            }
            assertEquals(start, k.consumer(), "peek alone hands nothing back");
            rx.release(4);
            assertEquals(start + 4, k.consumer());
            assertEquals(1, rx.available(4));
            assertThrows(IllegalStateException.class, () -> rx.peek(2), "more than available");
            int last = rx.peek(1);
            rx.cancel(1);
            assertEquals(last, rx.peek(1), "a cancelled entry is peeked again");
            rx.release(1);
            assertEquals(start + 5, k.consumer());
        }
    }

    @Test
    void completionRingReturnsAddresses() {
        try (Arena arena = Arena.ofConfined()) {
            KernelRing k = new KernelRing(arena, 4, 8);
            CompletionRing cq = k.completionRing();
            k.putAddress(0, 4096);
            k.putAddress(1, 6144);
            k.publishProducer(2);
            assertEquals(2, cq.available(16));
            int first = cq.peek(2);
            assertEquals(4096, cq.address(first));
            assertEquals(6144, cq.address(first + 1));
            cq.release(2);
            assertEquals(2, k.consumer());
        }
    }

    @Test
    void needWakeupFollowsTheFlagsWord() {
        try (Arena arena = Arena.ofConfined()) {
            KernelRing k = new KernelRing(arena, 4, 16);
            TxRing tx = k.txRing();
            assertFalse(tx.needsWakeup());
            k.setNeedWakeup(true);
            assertTrue(tx.needsWakeup());
            k.setNeedWakeup(false);
            assertFalse(tx.needsWakeup());
        }
    }

    @Test
    void misuseIsRejected() {
        try (Arena arena = Arena.ofConfined()) {
            KernelRing k = new KernelRing(arena, 8, 16);
            RxRing rx = k.rxRing();
            assertThrows(IllegalArgumentException.class, () -> rx.release(1), "nothing peeked");
            TxRing tx = k.txRing();
            assertThrows(IllegalArgumentException.class, () -> tx.cancel(1), "nothing reserved");
            assertThrows(IllegalArgumentException.class,
                    () -> new RxRing(k.mapping(), 0, 128, 196, 320, 6), "size not a power of two");
            assertThrows(IllegalArgumentException.class,
                    () -> new RxRing(k.mapping(), 0, 128, 196, 320, 16), "mapping too small for 16 entries");
            assertThrows(IllegalArgumentException.class,
                    () -> new RxRing(k.mapping(), 2, 128, 196, 320, 8), "misaligned index");
        }
    }

    /**
     * One thread produces through a {@link TxRing}, another plays the kernel and consumes with
     * acquire/release, across the u32 wrap; then the same the other way round with an {@link RxRing}.
     * Every value must arrive once, in order.
     */
    @Test
    void concurrentProducerAndConsumerLoseNothing() throws Exception {
        final int total = 2_000_000;
        try (Arena arena = Arena.ofShared()) {
            KernelRing k = new KernelRing(arena, 64, 16).startAt(-1000);
            TxRing tx = k.txRing();
            AtomicReference<String> failure = new AtomicReference<>();
            Thread kernel = Thread.ofPlatform().start(() -> {
                int cons = k.consumer();
                long expect = 0;
                while (expect < total) {
                    int prod = k.producer();
                    while (cons != prod) {
                        long v = k.addressAt(cons);
                        if (v != expect && failure.get() == null) failure.set("TX: got " + v + ", expected " + expect);
                        expect++;
                        cons++;
                    }
                    k.publishConsumer(cons);
                }
            });
            long next = 0;
            while (next < total) {
                int n = (int) Math.min(7, Math.min(total - next, tx.free(7)));
                int start = tx.reserve(n);
                for (int i = 0; i < n; i++) tx.setDescriptor(start + i, next++, 64, 0);
                tx.submit();
                if (n == 0) Thread.onSpinWait();
            }
            kernel.join();
            assertNull(failure.get());
        }
        try (Arena arena = Arena.ofShared()) {
            KernelRing k = new KernelRing(arena, 64, 16).startAt(Integer.MAX_VALUE - 50);
            RxRing rx = k.rxRing();
            Thread kernel = Thread.ofPlatform().start(() -> {
                int prod = k.producer();
                long v = 0;
                while (v < total) {
                    int free = 64 - (prod - k.consumer());
                    for (int i = 0; i < free && v < total; i++) k.putDescriptor(prod++, v++, 60, 0);
                    k.publishProducer(prod);
                }
            });
            long expect = 0;
            while (expect < total) {
                int n = rx.available(5);
                int start = rx.peek(n);
                for (int i = 0; i < n; i++) assertEquals(expect++, rx.address(start + i));
                rx.release(n);
            }
            kernel.join();
        }
    }
}
