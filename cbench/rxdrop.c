/* SPDX-License-Identifier: MIT */
/*
 * rxdrop: receive on one or more queues with one thread, read each frame's UDP source port (every
 * frame is touched, as a real receiver would), and give the buffers straight back to FILL.
 *
 * The thread takes up to a batch from each queue in turn. When a whole round found nothing it
 * spins on (busy polling, the default), or sleeps in poll() with -p, or with -K calls recvfrom()
 * to let the kernel busy-poll the device. Multi-buffer packets (-G, XDP_USE_SG) arrive as chains
 * of descriptors, all but the last marked XDP_PKT_CONTD; a chain counts as one packet.
 *
 * The clock starts at the first packet; the window is [warmup, warmup + duration] from there and
 * the program ends when it closes.
 */
#include "xsock.h"

#include <poll.h>

/* One queue's turn: up to a batch off RX, each frame read, its buffer back on FILL. Returns packets taken. */
static inline uint32_t take(struct xsock *x, uint64_t *wakeups)
{
	uint32_t idx_rx, idx_fq = 0, n = xsk_ring_cons__peek(&x->rx, opt.batch, &idx_rx);
	uint64_t before = x->rx_pkts;

	if (!n) {
		*wakeups += xsock_rx_wakeup(x);
		return 0;
	}
	/*
	 * FILL holds all the frames, but the kernel publishes how far it read FILL only at the end of
	 * each receive batch, so right after a batch FILL can look fuller than it is: take off RX only
	 * as many as FILL has room for now and leave the rest for the next round.
	 */
	uint32_t room = xsk_prod_nb_free(&x->fq, n);
	if (room < n) {
		*wakeups += xsock_rx_wakeup(x);
		xsk_ring_cons__cancel(&x->rx, n - room);
		n = room;
		if (!n)
			return 0;
	}
	xsk_ring_prod__reserve(&x->fq, n, &idx_fq);
	for (uint32_t i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x->rx, idx_rx++);

		x->rx_bytes += d->len;
		x->cur_len += d->len;
		if (!(d->options & XDP_PKT_CONTD)) {
			x->rx_pkts++;
			if (x->cur_len > x->max_len)
				x->max_len = x->cur_len;
			x->cur_len = 0;
		}
		if (d->len >= FRAME_SPORT_OFF + 2) {
			uint16_t port = read_be16((uint8_t *)xsk_umem__get_data(x->area, d->addr) + FRAME_SPORT_OFF);

			if ((unsigned int)(port - FRAME_SRC_PORT_BASE) < 64)
				x->ports_seen |= 1ull << (port - FRAME_SRC_PORT_BASE);
		}
		*xsk_ring_prod__fill_addr(&x->fq, idx_fq++) = xsk_umem__extract_addr(d->addr);
	}
	x->rx_descs += n;
	xsk_ring_prod__submit(&x->fq, n);
	xsk_ring_cons__release(&x->rx, n);
	return (uint32_t)(x->rx_pkts - before);
}

int run_rxdrop(void)
{
	struct xsock xs[MAX_QUEUES];
	struct pollfd pfd[MAX_QUEUES];
	int n = opt.nq;

	xsocks_open(xs, n, 1, 0);
	for (int q = 0; q < n; q++) {
		xsock_fill(&xs[q], 0, xs[q].nframes < FILL_SIZE ? xs[q].nframes : FILL_SIZE);
		pfd[q] = (struct pollfd){.fd = xs[q].fd, .events = POLLIN};
	}
	printf("rxdrop if=%s queues=%d..%d xdp_mode=%s link=%d need_wakeup=%d batch=%d sg=%d shared_umem=%d poll=%d "
	       "busy_poll_us=%d zerocopy=%d\n",
	       opt.ifname, opt.queue, opt.queue + n - 1, opt.xdp_mode, opt.use_link, opt.need_wakeup, opt.batch, opt.sg,
	       opt.shared_umem, opt.use_poll, opt.busy_poll_us, xsock_zerocopy(&xs[0]));
	fflush(stdout);

	struct window w = {0};
	uint64_t total = 0, at_open = 0, at_close = 0, last_report = 0, wakeups = 0, polls = 0;
	uint64_t t_start = now_ns(), next_report = 0;

	while (!stop_requested) {
		uint32_t got = 0;

		for (int q = 0; q < n; q++)
			got += take(&xs[q], &wakeups);
		if (!got) {
			if (opt.use_poll) {
				polls++;
				poll(pfd, n, 100);
			}
		} else {
			total += got;
		}
		uint64_t t = now_ns();
		if (!w.origin) {
			if (total) {
				window_start(&w, t);
				next_report = t + NS_PER_S;
			} else if (t - t_start > secs_to_ns(opt.wait_first)) {
				fprintf(stderr, "rxdrop: no packet within %.0f s\n", opt.wait_first);
				break;
			}
			continue;
		}
		switch (window_tick(&w, t)) {
		case WIN_OPENED: at_open = total; break;
		case WIN_CLOSED: at_close = total; break;
		case WIN_NONE: break;
		}
		if (t >= next_report) {
			printf("  rx %llu pps\n", (unsigned long long)(total - last_report));
			last_report = total;
			next_report += NS_PER_S;
		}
		if (w.closed)
			break;
	}
	if (!w.closed)
		at_close = total;
	double secs = window_secs(&w, now_ns());
	uint64_t descs = 0, max_len = 0;

	for (int q = 0; q < n; q++) {
		struct xsock *x = &xs[q];

		descs += x->rx_descs;
		if (x->max_len > max_len)
			max_len = x->max_len;
		printf("queue %d: rx_pkts=%llu rx_descs=%llu rx_bytes=%llu max_pkt_len=%llu udp_sports(base+)=", x->queue,
		       (unsigned long long)x->rx_pkts, (unsigned long long)x->rx_descs, (unsigned long long)x->rx_bytes,
		       (unsigned long long)x->max_len);
		for (int b = 0; b < 64; b++)
			if (x->ports_seen & (1ull << b))
				printf("%d,", b);
		printf("\n");
		xsock_print_stats("rxdrop", x);
	}
	/* frags: descriptors beyond the first of each packet (multi-buffer). */
	printf("RESULT mode=rxdrop rx_pps=%.0f rx_total=%llu secs=%.3f frags=%llu max_pkt_len=%llu wakeups=%llu "
	       "polls=%llu\n",
	       secs > 0 ? (at_close - at_open) / secs : 0.0, (unsigned long long)total, secs,
	       (unsigned long long)(descs - total), (unsigned long long)max_len, (unsigned long long)wakeups,
	       (unsigned long long)polls);
	xsocks_close(xs, n);
	return w.origin ? 0 : 3;
}
