/* SPDX-License-Identifier: MIT */
/*
 * reflect: send every frame back out of the interface it came in on, source and destination MAC
 * swapped (the RFC 2544 reflector), without copying it: the RX buffer itself goes on the TX ring,
 * and comes back to FILL when its send completes.
 *
 * Frame ownership: REFLECT_FRAMES frames start on FILL and then move RX -> TX -> COMPLETION ->
 * FILL; this program holds a frame only between taking it off RX and putting it on TX. A frame
 * comes back only once the peer has taken it (on veth: when the peer's receive path frees the
 * copy), so the frames in circulation bound the rate when that is slow; FILL holds them all. TX and
 * COMPLETION hold half of them: when TX is full, a kick sends and reaping COMPLETION makes room.
 * Multi-buffer chains (-G) are sent back as chains; only their first buffer has the MAC header.
 *
 * Waiting: spin (default), poll() with -p, or with -K a recvfrom() that lets the kernel busy-poll.
 * Measured like rxdrop: the window starts `warmup` after the first frame; the program then keeps
 * reflecting for the tail (-t) and ends, or runs until SIGTERM/SIGINT with -d 0 (as ping's partner).
 */
#include "xsock.h"

#include <poll.h>
#include <unistd.h>

#define REFLECT_FRAMES FILL_SIZE

/* COMPLETION -> FILL: a sent frame is free to receive into again. */
static inline void recycle_completed(struct xsock *x, uint64_t *sent)
{
	uint32_t idx_cq, idx_fq, n = xsk_ring_cons__peek(&x->cq, RING_SIZE, &idx_cq);

	if (!n)
		return;
	/*
	 * FILL holds all the frames, but the kernel publishes how far it read FILL at the end of each
	 * receive batch: until then the frames it took still count. Wait for that.
	 */
	while (xsk_ring_prod__reserve(&x->fq, n, &idx_fq) != n)
		xsock_rx_wakeup(x);
	for (uint32_t i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&x->fq, idx_fq++) = *xsk_ring_cons__comp_addr(&x->cq, idx_cq++);
	xsk_ring_prod__submit(&x->fq, n);
	xsk_ring_cons__release(&x->cq, n);
	x->outstanding -= n;
	*sent += n;
}

static inline void swap_macs(uint8_t *p)
{
	uint8_t tmp[6];

	memcpy(tmp, p, 6);
	memcpy(p, p + 6, 6);
	memcpy(p + 6, tmp, 6);
}

int run_reflect(void)
{
	struct xsock x;
	struct pollfd pfd;

	xsocks_open(&x, 1, 1, 1);
	xsock_fill(&x, 0, REFLECT_FRAMES);
	pfd = (struct pollfd){.fd = x.fd, .events = POLLIN};
	printf("reflect if=%s xdp_mode=%s link=%d need_wakeup=%d batch=%d sg=%d poll=%d busy_poll_us=%d zerocopy=%d\n",
	       opt.ifname, opt.xdp_mode, opt.use_link, opt.need_wakeup, opt.batch, opt.sg, opt.use_poll, opt.busy_poll_us,
	       xsock_zerocopy(&x));
	fflush(stdout);

	struct kicks k = {0}, k_open = {0}, k_close = {0};
	struct window w = {0};
	uint64_t rx_pkts = 0, rx_descs = 0, sent = 0, polls = 0, wakeups = 0;
	uint64_t rx_open = 0, rx_close = 0, sent_open = 0, sent_close = 0, last_report = 0;
	uint64_t t_start = now_ns(), next_report = 0, stop_at = UINT64_MAX;
	int head = 1; /* the next descriptor starts a packet (has the MAC header) */

	while (!stop_requested) {
		uint32_t idx_rx, idx_tx, n;

		recycle_completed(&x, &sent);
		n = xsk_ring_cons__peek(&x.rx, opt.batch, &idx_rx);
		if (n) {
			/* TX full: kick (the kernel sends and completes), and put what completed back on FILL. */
			while (xsk_ring_prod__reserve(&x.tx, n, &idx_tx) != n) {
				xsock_kick_tx(&x, &k);
				recycle_completed(&x, &sent);
			}
			for (uint32_t i = 0; i < n; i++) {
				const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x.rx, idx_rx++);
				struct xdp_desc *t = xsk_ring_prod__tx_desc(&x.tx, idx_tx++);

				if (head && d->len >= 12)
					swap_macs(xsk_umem__get_data(x.area, d->addr));
				head = !(d->options & XDP_PKT_CONTD);
				rx_pkts += head;
				t->addr = d->addr;
				t->len = d->len;
				t->options = d->options & XDP_PKT_CONTD;
			}
			xsk_ring_prod__submit(&x.tx, n);
			xsk_ring_cons__release(&x.rx, n);
			x.outstanding += n;
			rx_descs += n;
			xsock_kick_tx(&x, &k);
		} else if (opt.use_poll) {
			polls++;
			poll(&pfd, 1, 100);
		} else {
			wakeups += xsock_rx_wakeup(&x);
		}

		uint64_t t = now_ns();
		if (!w.origin) {
			if (rx_pkts) {
				window_start(&w, t);
				next_report = t + NS_PER_S;
				if (opt.duration > 0)
					stop_at = w.closes + secs_to_ns(opt.tail);
			} else if (opt.duration > 0 && t - t_start > secs_to_ns(opt.wait_first)) {
				fprintf(stderr, "reflect: no packet within %.0f s\n", opt.wait_first);
				break;
			}
			continue;
		}
		if (opt.duration > 0) {
			switch (window_tick(&w, t)) {
			case WIN_OPENED: rx_open = rx_pkts; sent_open = sent; k_open = k; break;
			case WIN_CLOSED: rx_close = rx_pkts; sent_close = sent; k_close = k; break;
			case WIN_NONE: break;
			}
		}
		if (t >= next_report) {
			printf("  reflect %llu pps\n", (unsigned long long)(rx_pkts - last_report));
			last_report = rx_pkts;
			next_report += NS_PER_S;
		}
		if (t >= stop_at)
			break;
	}
	uint64_t t_end = now_ns();
	if (opt.duration <= 0 && w.origin) { /* no window: the whole run from the first frame */
		w.opened = w.origin;
		w.closed = t_end;
		k_close = k;
		rx_close = rx_pkts;
		sent_close = sent;
	} else if (!w.closed) {
		k_close = k;
		rx_close = rx_pkts;
		sent_close = sent;
	}
	double secs = window_secs(&w, t_end);
	/* Let what is in flight complete. */
	for (int i = 0; i < 100 && x.outstanding; i++) {
		xsock_kick_tx(&x, &k);
		recycle_completed(&x, &sent);
		usleep(1000);
	}
	xsock_print_stats("reflect", &x);
	/*
	 * rx_pps: packets taken off RX and put back on TX. tx_pps: descriptors completed (the same as
	 * packets without -G), tx_ok_pps: less those the driver dropped (EBUSY, once per dropped frame).
	 */
	uint64_t dropped = k_close.ebusy - k_open.ebusy, sent_w = sent_close - sent_open;
	printf("RESULT mode=reflect rx_pps=%.0f tx_pps=%.0f tx_ok_pps=%.0f rx_total=%llu rx_descs=%llu secs=%.3f "
	       "kicks=%llu eagain=%llu ebusy=%llu polls=%llu wakeups=%llu outstanding_end=%u\n",
	       secs > 0 ? (rx_close - rx_open) / secs : 0.0, secs > 0 ? sent_w / secs : 0.0,
	       secs > 0 ? (sent_w - dropped) / secs : 0.0, (unsigned long long)rx_pkts, (unsigned long long)rx_descs,
	       secs, (unsigned long long)(k_close.calls - k_open.calls),
	       (unsigned long long)(k_close.eagain - k_open.eagain), (unsigned long long)dropped,
	       (unsigned long long)polls, (unsigned long long)wakeups, x.outstanding);
	xsocks_close(&x, 1);
	return rx_pkts || opt.duration <= 0 ? 0 : 3;
}
