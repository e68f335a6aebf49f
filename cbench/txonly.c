/* SPDX-License-Identifier: MIT */
/*
 * txonly: send UDP frames as fast as the socket takes them.
 *
 * The frames are written into the UMEM once; the loop only posts descriptors, as a zero-copy sender
 * would: reap completions, post a batch if the TX ring has room for it, kick. A frame longer than a
 * UMEM frame (-G) goes out as a chain of descriptors, all but the last marked XDP_PKT_CONTD.
 *
 * Counted: completions (a frame the driver dropped completes too, so tx_ok = completed - EBUSY),
 * over the measured window [warmup, warmup + duration] from the start; then the sender keeps going
 * for the tail (-t) so that a receiver measuring by its own clock never sees it stop.
 */
#include "xsock.h"

#include <unistd.h>

/* The frames to send: packet slots in turn, each per_pkt descriptors long (the last one last_len bytes). */
struct tx_frames {
	uint32_t slots, slot, per_pkt, last_len;
	/* -r: free frames on a stack; completed frames are pushed, a batch is popped from the top. */
	uint64_t *stack;
	uint32_t top;
};

/* Posts a batch of the next slots in turn, if the TX ring has room for it. */
static inline void post_in_turn(struct xsock *x, struct tx_frames *f)
{
	uint32_t idx, n = opt.batch * f->per_pkt;

	if (x->outstanding + n > RING_SIZE || xsk_ring_prod__reserve(&x->tx, n, &idx) != n)
		return;
	for (int i = 0; i < opt.batch; i++) {
		for (uint32_t j = 0; j < f->per_pkt; j++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx++);
			int more = j + 1 < f->per_pkt;

			d->addr = xsock_frame_addr(x, f->slot * f->per_pkt + j);
			d->len = more ? (uint32_t)opt.frame_size : f->last_len;
			d->options = more ? XDP_PKT_CONTD : 0;
		}
		if (++f->slot == f->slots)
			f->slot = 0;
	}
	xsk_ring_prod__submit(&x->tx, n);
	x->outstanding += n;
}

/* -r: posts a batch of the frames completed last, if there are enough and the TX ring has room. */
static inline void post_recycled(struct xsock *x, struct tx_frames *f)
{
	uint32_t idx, n = opt.batch;

	if (f->top < n || x->outstanding + n > RING_SIZE || xsk_ring_prod__reserve(&x->tx, n, &idx) != n)
		return;
	for (uint32_t i = 0; i < n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx++);

		d->addr = f->stack[--f->top];
		d->len = opt.size;
		d->options = 0;
	}
	xsk_ring_prod__submit(&x->tx, n);
	x->outstanding += n;
}

/* -r: COMPLETION -> the free stack. Returns how many completed. */
static inline uint32_t reap_to_stack(struct xsock *x, struct tx_frames *f)
{
	uint32_t idx, n = xsk_ring_cons__peek(&x->cq, RING_SIZE, &idx);

	for (uint32_t i = 0; i < n; i++)
		f->stack[f->top++] = *xsk_ring_cons__comp_addr(&x->cq, idx++);
	if (n) {
		xsk_ring_cons__release(&x->cq, n);
		x->outstanding -= n;
	}
	return n;
}

int run_txonly(void)
{
	struct xsock x;
	uint8_t smac[6];
	int want_rx = strcmp(opt.xdp_mode, "none") != 0;
	/* Descriptors per packet, and the length of the last one. */
	uint32_t per_pkt = (opt.size + opt.frame_size - 1) / opt.frame_size;
	uint32_t last_len = opt.size - (per_pkt - 1) * opt.frame_size;
	/* The lower half of the frames is for TX, the upper half for RX (if any): a TX packet per slot. */
	uint32_t slots = NUM_FRAMES / 2 / per_pkt;
	uint8_t *frame;

	if (if_mac(opt.ifname, smac))
		die("SIOCGIFHWADDR", errno);
	if (!opt.have_dmac)
		memset(opt.dmac, 0xff, 6);
	if (opt.batch * per_pkt > RING_SIZE)
		die("batch x descriptors per frame exceed the TX ring", EINVAL);
	xsocks_open(&x, 1, want_rx, 1);
	if (want_rx)
		xsock_fill(&x, NUM_FRAMES / 2, RING_SIZE);

	frame = malloc(opt.size);
	if (!frame)
		die("malloc", ENOMEM);
	for (uint32_t s = 0; s < slots; s++) {
		build_udp_frame(frame, opt.size, opt.dmac, smac, FRAME_SRC_PORT_BASE + s % opt.nports);
		for (uint32_t j = 0; j < per_pkt; j++)
			memcpy(xsk_umem__get_data(x.area, xsock_frame_addr(&x, s * per_pkt + j)), frame + j * opt.frame_size,
			       j + 1 < per_pkt ? (uint32_t)opt.frame_size : last_len);
	}
	free(frame);

	printf("txonly if=%s q=%d xdp_mode=%s link=%d need_wakeup=%d batch=%d size=%d descs_per_frame=%u tx_budget=%d "
	       "zerocopy=%d\n",
	       opt.ifname, opt.queue, opt.xdp_mode, opt.use_link, opt.need_wakeup, opt.batch, opt.size, per_pkt,
	       opt.tx_budget, xsock_zerocopy(&x));
	fflush(stdout);

	struct kicks k = {0}, k_open = {0}, k_close = {0};
	struct window w;
	uint64_t done = 0, done_open = 0, done_close = 0, last_report = 0;
	uint64_t t0 = now_ns(), next_report = t0 + NS_PER_S, stop_at;
	struct tx_frames f = {.slots = slots, .per_pkt = per_pkt, .last_len = last_len};

	if (opt.recycle) {
		if (per_pkt != 1)
			die("-r: one descriptor per frame only (no -G)", EINVAL);
		f.stack = malloc(slots * sizeof(*f.stack));
		if (!f.stack)
			die("malloc", ENOMEM);
		for (uint32_t s = slots; s > 0; s--)
			f.stack[f.top++] = xsock_frame_addr(&x, s - 1);
	}
	window_start(&w, t0);
	stop_at = w.closes + secs_to_ns(opt.tail);
	while (!stop_requested) {
		if (opt.recycle) {
			done += reap_to_stack(&x, &f);
			post_recycled(&x, &f);
		} else {
			done += xsock_reap_tx(&x);
			post_in_turn(&x, &f);
		}
		xsock_kick_tx(&x, &k);

		uint64_t t = now_ns();
		switch (window_tick(&w, t)) {
		case WIN_OPENED: done_open = done; k_open = k; break;
		case WIN_CLOSED: done_close = done; k_close = k; break;
		case WIN_NONE: break;
		}
		if (t >= next_report) {
			printf("  tx %llu pps\n", (unsigned long long)((done - last_report) / per_pkt));
			last_report = done;
			next_report += NS_PER_S;
		}
		if (t >= stop_at)
			break;
	}
	double secs = window_secs(&w, now_ns());
	if (!w.closed) { /* interrupted: count up to now */
		done_close = done;
		k_close = k;
	}
	/* Let what is in flight complete (the bench checks that every frame arrived). */
	for (int i = 0; i < 100 && x.outstanding; i++) {
		xsock_kick_tx(&x, &k);
		done += opt.recycle ? reap_to_stack(&x, &f) : xsock_reap_tx(&x);
		usleep(1000);
	}
	xsock_print_stats("txonly", &x);

	uint64_t pkts = (done_close - done_open) / per_pkt, kicks = k_close.calls - k_open.calls;
	uint64_t dropped = k_close.ebusy - k_open.ebusy;
	printf("RESULT mode=txonly tx_pps=%.0f tx_ok_pps=%.0f tx_total=%llu secs=%.3f kicks=%llu eagain=%llu ebusy=%llu "
	       "enobufs=%llu other_err=%llu pkts_per_kick=%.1f outstanding_end=%u\n",
	       secs > 0 ? pkts / secs : 0.0, secs > 0 ? (pkts - dropped) / secs : 0.0,
	       (unsigned long long)(done / per_pkt), secs, (unsigned long long)kicks,
	       (unsigned long long)(k_close.eagain - k_open.eagain), (unsigned long long)dropped,
	       (unsigned long long)(k_close.enobufs - k_open.enobufs), (unsigned long long)(k_close.other - k_open.other),
	       kicks ? (double)pkts / kicks : 0.0, x.outstanding);
	free(f.stack);
	xsocks_close(&x, 1);
	return 0;
}
