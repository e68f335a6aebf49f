/* SPDX-License-Identifier: MIT */
/*
 * xdpdrop: the kernel's ceiling and the send rows' sink. Attaches drop.bpf.o (count per CPU, then
 * XDP_DROP) and reports frames/s from its counter, sampled every 10 ms. The window starts `warmup`
 * after the first frame; the program ends when it closes (or on SIGTERM/SIGINT with -d 0).
 */
#include "cbench.h"
#include "xdpprog.h"

#include <net/if.h>
#include <unistd.h>

static struct xdpprog prog;

static void detach_at_exit(void)
{
	xdpprog_close(&prog);
}

int run_xdpdrop(void)
{
	int ifindex = if_nametoindex(opt.ifname), map, err;

	if (!ifindex)
		die(opt.ifname, errno);
	err = xdpprog_load(&prog, "drop.bpf.o", opt.sg ? "xdp_count_drop_frags" : "xdp_count_drop");
	if (err)
		die("loading drop.bpf.o", -err);
	atexit(detach_at_exit);
	err = xdpprog_attach(&prog, ifindex, opt.xdp_mode, opt.use_link);
	if (err)
		die(opt.use_link ? "attaching the XDP program (bpf_link)" : "attaching the XDP program (netlink)", -err);
	map = xdpprog_map_fd(&prog, "drops");
	printf("xdpdrop if=%s xdp_mode=%s link=%d frags=%d attached\n", opt.ifname, opt.xdp_mode, opt.use_link, opt.sg);
	fflush(stdout);

	struct window w = {0};
	uint64_t t_start = now_ns(), v = 0, at_open = 0, at_close = 0;
	int rc = 0;

	while (!stop_requested) {
		usleep(10000);
		uint64_t t = now_ns();

		v = percpu_sum(map, 0);
		if (!w.origin) {
			if (v) {
				window_start(&w, t);
			} else if (t - t_start > secs_to_ns(opt.wait_first)) {
				fprintf(stderr, "xdpdrop: no packet within %.0f s\n", opt.wait_first);
				rc = 3;
				break;
			}
			continue;
		}
		if (opt.duration <= 0)
			continue;
		enum window_event e = window_tick(&w, t);
		if (e == WIN_OPENED)
			at_open = v;
		if (e == WIN_CLOSED) {
			at_close = v;
			break;
		}
	}
	if (!w.closed) {
		if (opt.duration <= 0 && w.origin)
			w.opened = w.origin;
		at_close = v;
	}
	double secs = window_secs(&w, now_ns());
	printf("RESULT mode=xdpdrop xdp_mode=%s drop_pps=%.0f drop_total=%llu secs=%.3f\n", opt.xdp_mode,
	       secs > 0 ? (at_close - at_open) / secs : 0.0, (unsigned long long)v, secs);
	xdpprog_close(&prog);
	return rc;
}
