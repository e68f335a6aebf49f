/* SPDX-License-Identifier: MIT */
#include "xsock.h"
#include "xdpprog.h"

#include <net/if.h>
#include <sys/mman.h>

static struct xdpprog prog;

/* Detaches at any exit (die() included), so a netlink attachment never outlives us. */
static void detach_at_exit(void)
{
	xdpprog_close(&prog);
}

static void set_int_opt(int fd, int level, int name, int value, const char *what)
{
	if (setsockopt(fd, level, name, &value, sizeof(value)))
		die(what, errno);
}

/*
 * Kernel busy polling, preferred (Linux 5.11): a recvfrom/sendto/poll on the socket runs the
 * device's NAPI poll itself for up to busy_poll_us. The device settings that make the kernel leave
 * NAPI to the application (napi_defer_hard_irqs, gro_flush_timeout) are the caller's to set.
 */
static void set_busy_poll(int fd)
{
	set_int_opt(fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, 1, "SO_PREFER_BUSY_POLL");
	set_int_opt(fd, SOL_SOCKET, SO_BUSY_POLL, opt.busy_poll_us, "SO_BUSY_POLL");
	set_int_opt(fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, opt.batch, "SO_BUSY_POLL_BUDGET");
}

void xsocks_open(struct xsock *xs, int n, int want_rx, int want_tx)
{
	size_t area_frames = (size_t)NUM_FRAMES * (opt.shared_umem ? 1 : n);
	size_t area_len = area_frames * opt.frame_size;
	struct xsk_umem_config ucfg = {
		.fill_size = FILL_SIZE,
		.comp_size = RING_SIZE,
		.frame_size = opt.frame_size,
		.frame_headroom = 0,
		.flags = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = RING_SIZE,
		.tx_size = RING_SIZE,
		/* Our own program, attached below: libxdp loads none (and needs no bpffs). */
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = 0,
		.bind_flags = XDP_COPY | (opt.need_wakeup ? XDP_USE_NEED_WAKEUP : 0) | (opt.sg ? XDP_USE_SG : 0),
	};
	int ifindex = if_nametoindex(opt.ifname);
	uint8_t *area;
	int err;

	if (!ifindex)
		die(opt.ifname, errno);
	area = mmap(NULL, area_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (area == MAP_FAILED)
		die("mmap UMEM", errno);

	for (int i = 0; i < n; i++) {
		struct xsock *x = &xs[i];

		memset(x, 0, sizeof(*x));
		x->queue = opt.queue + i;
		if (opt.shared_umem) {
			/* One UMEM; socket i owns a slice of it and, on its own queue, its own FILL and COMPLETION rings. */
			x->area = area;
			x->nframes = NUM_FRAMES / n;
			x->base = (uint64_t)i * x->nframes * opt.frame_size;
			if (i == 0) {
				err = xsk_umem__create(&x->umem, area, area_len, &x->fq, &x->cq, &ucfg);
				if (err)
					die("xsk_umem__create", -err);
			} else {
				x->umem = xs[0].umem;
			}
		} else {
			x->area = area + (size_t)i * NUM_FRAMES * opt.frame_size;
			x->nframes = NUM_FRAMES;
			x->base = 0;
			err = xsk_umem__create(&x->umem, x->area, (size_t)NUM_FRAMES * opt.frame_size, &x->fq, &x->cq, &ucfg);
			if (err)
				die("xsk_umem__create", -err);
		}
		if (opt.shared_umem && i > 0)
			err = xsk_socket__create_shared(&x->xsk, opt.ifname, x->queue, x->umem, want_rx ? &x->rx : NULL,
							want_tx ? &x->tx : NULL, &x->fq, &x->cq, &scfg);
		else
			err = xsk_socket__create(&x->xsk, opt.ifname, x->queue, x->umem, want_rx ? &x->rx : NULL,
						 want_tx ? &x->tx : NULL, &scfg);
		if (err) {
			fprintf(stderr, "FATAL: AF_XDP socket on %s queue %d: %s (errno %d)\n", opt.ifname, x->queue,
				strerror(-err), -err);
			exit(2);
		}
		x->fd = xsk_socket__fd(x->xsk);
		/* The kernel cannot report the budget back (getsockopt: EOPNOTSUPP), so say when it refuses it. */
		if (want_tx && opt.tx_budget > 0 &&
		    setsockopt(x->fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &opt.tx_budget, sizeof(opt.tx_budget)))
			fprintf(stderr, "warning: XDP_MAX_TX_SKB_BUDGET=%d: %s\n", opt.tx_budget, strerror(errno));
		if (opt.busy_poll_us > 0)
			set_busy_poll(x->fd);
	}

	if (strcmp(opt.xdp_mode, "none")) {
		int map;

		err = xdpprog_load(&prog, "redirect.bpf.o", opt.sg ? "xsk_redirect_frags" : "xsk_redirect");
		if (err)
			die("loading redirect.bpf.o", -err);
		atexit(detach_at_exit);
		err = xdpprog_attach(&prog, ifindex, opt.xdp_mode, opt.use_link);
		if (err)
			die(opt.use_link ? "attaching the XDP program (bpf_link)" : "attaching the XDP program (netlink)", -err);
		map = xdpprog_map_fd(&prog, "xsks_map");
		for (int i = 0; i < n; i++) {
			err = xsk_socket__update_xskmap(xs[i].xsk, map);
			if (err)
				die("xsk_socket__update_xskmap", -err);
		}
	}
}

void xsocks_close(struct xsock *xs, int n)
{
	xdpprog_close(&prog);
	for (int i = n - 1; i >= 0; i--)
		xsk_socket__delete(xs[i].xsk);
	if (opt.shared_umem) {
		xsk_umem__delete(xs[0].umem);
	} else {
		for (int i = 0; i < n; i++)
			xsk_umem__delete(xs[i].umem);
	}
}

void xsock_fill(struct xsock *x, uint32_t first, uint32_t count)
{
	uint32_t idx;

	if (xsk_ring_prod__reserve(&x->fq, count, &idx) != count)
		die("FILL ring reserve", ENOSPC);
	for (uint32_t i = 0; i < count; i++)
		*xsk_ring_prod__fill_addr(&x->fq, idx++) = xsock_frame_addr(x, first + i);
	xsk_ring_prod__submit(&x->fq, count);
}

void xsock_print_stats(const char *tag, const struct xsock *x)
{
	struct xdp_statistics st;
	socklen_t len = sizeof(st);

	memset(&st, 0, sizeof(st));
	if (getsockopt(x->fd, SOL_XDP, XDP_STATISTICS, &st, &len)) {
		fprintf(stderr, "warning: XDP_STATISTICS: %s\n", strerror(errno));
		return;
	}
	printf("%s q%d xdp_stats: rx_dropped=%llu rx_invalid=%llu tx_invalid=%llu rx_ring_full=%llu fill_empty=%llu "
	       "tx_ring_empty=%llu\n",
	       tag, x->queue, st.rx_dropped, st.rx_invalid_descs, st.tx_invalid_descs, st.rx_ring_full,
	       st.rx_fill_ring_empty_descs, st.tx_ring_empty_descs);
}

int xsock_zerocopy(const struct xsock *x)
{
	struct xdp_options o;
	socklen_t len = sizeof(o);

	if (getsockopt(x->fd, SOL_XDP, XDP_OPTIONS, &o, &len))
		return -1;
	return !!(o.flags & XDP_OPTIONS_ZEROCOPY);
}
