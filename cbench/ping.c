/* SPDX-License-Identifier: MIT */
/*
 * ping: one frame in flight to a reflector (cbench reflect on the peer), round-trip times.
 *
 * Each round trip: write the sequence number into a TX frame, take the time, post and kick, wait
 * for the frame with that sequence number to come back, take the time. The first WARMUP_TRIPS are
 * not measured; then -n round trips are, and the program prints their percentiles. An answer that
 * does not come within 100 ms is counted lost (and one that comes later, stray).
 *
 * Waiting: spin on the RX ring (default), poll() with -p, or with -K a recvfrom() that lets the
 * kernel busy-poll the device. The clock is CLOCK_MONOTONIC (vDSO, ~20 ns per read here).
 *
 * Frames: RING_SIZE on FILL, TX_FRAMES of their own for TX.
 */
#include "xsock.h"

#include <poll.h>

#define WARMUP_TRIPS 1000
#define TX_FRAMES 64
#define ANSWER_TIMEOUT_NS 100000000ull

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Percentile p (0..1) of n sorted values: the value at index floor(p * (n - 1)), in µs. */
static double percentile_us(const uint64_t *sorted, long n, double p)
{
	return n ? sorted[(long)(p * (n - 1))] / 1000.0 : 0.0;
}

/*
 * Takes what arrived off RX, back onto FILL; returns 1 if the answer to `seq` was among it, with
 * *seen set to the time RX showed it.
 */
static int take_answers(struct xsock *x, long seq, uint64_t *seen, uint64_t *stray)
{
	uint32_t idx_rx, idx_fq, n = xsk_ring_cons__peek(&x->rx, 16, &idx_rx);
	int got = 0;

	if (!n)
		return 0;
	*seen = now_ns();
	while (xsk_ring_prod__reserve(&x->fq, n, &idx_fq) != n)
		xsock_rx_wakeup(x);
	for (uint32_t i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x->rx, idx_rx++);
		long rseq;

		memcpy(&rseq, (uint8_t *)xsk_umem__get_data(x->area, d->addr) + FRAME_PAYLOAD_OFF, sizeof(rseq));
		if (d->len == (uint32_t)opt.size && rseq == seq)
			got = 1;
		else
			(*stray)++;
		*xsk_ring_prod__fill_addr(&x->fq, idx_fq++) = xsk_umem__extract_addr(d->addr);
	}
	xsk_ring_prod__submit(&x->fq, n);
	xsk_ring_cons__release(&x->rx, n);
	return got;
}

int run_ping(void)
{
	struct xsock x;
	struct pollfd pfd;
	uint8_t smac[6];
	const uint32_t tx_first = NUM_FRAMES / 2;

	if (opt.size > opt.frame_size)
		die("ping: -s must fit one UMEM frame", EINVAL);
	if (opt.size < FRAME_PAYLOAD_OFF + (int)sizeof(long))
		die("ping: -s must leave room for the sequence number (50 bytes at least)", EINVAL);
	if (if_mac(opt.ifname, smac))
		die("SIOCGIFHWADDR", errno);
	if (!opt.have_dmac)
		memset(opt.dmac, 0xff, 6);
	xsocks_open(&x, 1, 1, 1);
	xsock_fill(&x, 0, RING_SIZE);
	for (uint32_t i = 0; i < TX_FRAMES; i++)
		build_udp_frame(xsk_umem__get_data(x.area, xsock_frame_addr(&x, tx_first + i)), opt.size, opt.dmac, smac,
				FRAME_SRC_PORT_BASE);
	pfd = (struct pollfd){.fd = x.fd, .events = POLLIN};
	printf("ping if=%s xdp_mode=%s link=%d need_wakeup=%d poll=%d busy_poll_us=%d size=%d count=%ld zerocopy=%d\n",
	       opt.ifname, opt.xdp_mode, opt.use_link, opt.need_wakeup, opt.use_poll, opt.busy_poll_us, opt.size,
	       opt.count, xsock_zerocopy(&x));
	fflush(stdout);

	uint64_t *rtt = calloc(opt.count, sizeof(*rtt));
	struct kicks k = {0};
	uint64_t lost = 0, stray = 0, polls = 0, wakeups = 0;
	uint64_t t_all = now_ns();
	long done = 0;
	uint32_t f = 0;

	if (!rtt)
		die("calloc", ENOMEM);
	for (long seq = 0; done < opt.count && !stop_requested; seq++) {
		uint64_t addr = xsock_frame_addr(&x, tx_first + f);
		uint32_t idx;

		f = (f + 1) % TX_FRAMES;
		/* Completions come in order: with fewer than TX_FRAMES outstanding, frame f is ours again. */
		while (x.outstanding >= TX_FRAMES && !stop_requested) {
			xsock_kick_tx(&x, &k);
			xsock_reap_tx(&x);
		}
		memcpy((uint8_t *)xsk_umem__get_data(x.area, addr) + FRAME_PAYLOAD_OFF, &seq, sizeof(seq));
		while (xsk_ring_prod__reserve(&x.tx, 1, &idx) != 1)
			xsock_reap_tx(&x);
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&x.tx, idx);
		d->addr = addr;
		d->len = opt.size;
		d->options = 0;

		uint64_t t0 = now_ns(), t1 = 0;
		xsk_ring_prod__submit(&x.tx, 1);
		x.outstanding++;
		xsock_kick_tx(&x, &k);
		int got = 0;
		while (!got && !stop_requested) {
			got = take_answers(&x, seq, &t1, &stray);
			if (got)
				break;
			if (opt.use_poll) {
				polls++;
				poll(&pfd, 1, 100);
			} else {
				wakeups += xsock_rx_wakeup(&x);
			}
			if (now_ns() - t0 > ANSWER_TIMEOUT_NS)
				break;
		}
		if (!got)
			lost++;
		else if (seq >= WARMUP_TRIPS)
			rtt[done++] = t1 - t0;
	}
	double wall = (now_ns() - t_all) / 1e9, sum = 0;

	qsort(rtt, done, sizeof(*rtt), cmp_u64);
	for (long i = 0; i < done; i++)
		sum += rtt[i];
	xsock_print_stats("ping", &x);
	printf("RESULT mode=ping n=%ld lost=%llu stray=%llu min_us=%.2f p50_us=%.2f p90_us=%.2f p99_us=%.2f "
	       "p999_us=%.2f max_us=%.2f mean_us=%.2f wall_s=%.2f kicks=%llu polls=%llu wakeups=%llu\n",
	       done, (unsigned long long)lost, (unsigned long long)stray, done ? rtt[0] / 1000.0 : 0.0,
	       percentile_us(rtt, done, 0.5), percentile_us(rtt, done, 0.9), percentile_us(rtt, done, 0.99),
	       percentile_us(rtt, done, 0.999), done ? rtt[done - 1] / 1000.0 : 0.0, done ? sum / done / 1000.0 : 0.0,
	       wall, (unsigned long long)k.calls, (unsigned long long)polls, (unsigned long long)wakeups);
	free(rtt);
	xsocks_close(&x, 1);
	return done ? 0 : 3;
}
