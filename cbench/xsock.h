/* SPDX-License-Identifier: MIT */
/*
 * AF_XDP sockets on libxdp's xsk.h: the UMEM, one socket per queue, our redirect program, and the
 * ring steps every mode uses (kick TX, reap completions).
 *
 * Copy mode (veth has no zero-copy), ring sizes as xdpsock's defaults. Frame ownership: each socket
 * owns frames [base, base + nframes) of its UMEM area; a mode hands a part of them to the FILL ring
 * and uses another part for TX, and never touches a frame while the kernel holds it.
 */
#ifndef CBENCH_XSOCK_H
#define CBENCH_XSOCK_H

#include "cbench.h"
#include <xdp/xsk.h>

#define NUM_FRAMES 8192	/* UMEM frames per socket (with a shared UMEM: for all its sockets) */
#define RING_SIZE 2048	/* RX, TX and COMPLETION ring entries */
#define FILL_SIZE 4096	/* twice the RX ring, as xdpsock */
#define MAX_QUEUES 16

struct xsock {
	struct xsk_ring_prod fq;
	struct xsk_ring_cons cq;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	uint8_t *area;		/* descriptor addresses are offsets into this */
	uint64_t base;		/* first frame address this socket owns */
	uint32_t nframes;	/* frames it owns from there */
	int fd;
	int queue;
	uint32_t outstanding;	/* TX descriptors submitted, not completed yet */
	/* What a receiver counts: packets (a multi-buffer packet is one), descriptors, bytes. */
	uint64_t rx_pkts, rx_descs, rx_bytes, max_len, cur_len;
	uint64_t ports_seen;	/* bit i: a frame from UDP source port FRAME_SRC_PORT_BASE + i arrived */
};

/*
 * Opens opt.nq sockets (queues opt.queue ...) on opt.ifname, with their UMEM (one each, or one
 * shared with -U), the TX budget (-B) and kernel busy polling (-K) set; unless opt.xdp_mode is
 * "none", attaches the redirect program and puts the sockets in its map. Dies on failure.
 */
void xsocks_open(struct xsock *xs, int n, int want_rx, int want_tx);
/* Deletes the sockets and UMEMs and detaches the program. */
void xsocks_close(struct xsock *xs, int n);
/* Puts `count` of the socket's frames, from its frame number `first`, on its FILL ring. */
void xsock_fill(struct xsock *x, uint32_t first, uint32_t count);
/* Prints "<tag> q<queue> xdp_stats: rx_dropped=... rx_invalid=... rx_ring_full=... fill_empty=..." */
void xsock_print_stats(const char *tag, const struct xsock *x);
int xsock_zerocopy(const struct xsock *x);

static inline uint64_t xsock_frame_addr(const struct xsock *x, uint32_t frame)
{
	return x->base + (uint64_t)frame * opt.frame_size;
}

/* sendto() results of TX kicks. */
struct kicks {
	uint64_t calls, eagain, ebusy, enobufs, other;
};

/*
 * Asks the kernel to send what is on the TX ring. In copy mode this sends up to the TX budget
 * synchronously. EAGAIN: it stopped at the budget (kick again). EBUSY: the driver dropped a frame
 * (veth: peer ring full), which still comes back on the COMPLETION ring; count it as not sent.
 */
static inline void xsock_kick_tx(struct xsock *x, struct kicks *k)
{
	if (opt.need_wakeup && !xsk_ring_prod__needs_wakeup(&x->tx))
		return;
	k->calls++;
	if (sendto(x->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
		return;
	switch (errno) {
	case EAGAIN: k->eagain++; break;
	case EBUSY: k->ebusy++; break;
	case ENOBUFS: k->enobufs++; break;
	case ENETDOWN: die("sendto", errno);
	default: k->other++; break;
	}
}

/* Takes every completed TX descriptor off the COMPLETION ring; returns how many. */
static inline uint32_t xsock_reap_tx(struct xsock *x)
{
	uint32_t idx, n = xsk_ring_cons__peek(&x->cq, RING_SIZE, &idx);

	if (n) {
		xsk_ring_cons__release(&x->cq, n);
		x->outstanding -= n;
	}
	return n;
}

/*
 * What a receiver does when its RX ring was empty: with kernel busy polling (-K) or when the FILL
 * ring asks for it (need_wakeup), a non-blocking recvfrom(): it runs the device's NAPI poll from
 * this thread. Returns 1 if it made the call.
 */
static inline int xsock_rx_wakeup(struct xsock *x)
{
	if (opt.busy_poll_us > 0 || (opt.need_wakeup && xsk_ring_prod__needs_wakeup(&x->fq))) {
		recvfrom(x->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
		return 1;
	}
	return 0;
}

#endif
