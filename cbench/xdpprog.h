/* SPDX-License-Identifier: MIT */
/*
 * One XDP program from one of our .bpf.o files (found next to the executable), loaded with libbpf
 * and attached over netlink or through a bpf_link. No bpffs, no pinning, no libxdp dispatcher:
 * `ip netns exec` gives a private /sys where bpffs is not mounted.
 */
#ifndef CBENCH_XDPPROG_H
#define CBENCH_XDPPROG_H

#include <stdint.h>
#include <linux/types.h>

struct xdpprog {
	struct bpf_object *obj;
	int prog_fd;
	int ifindex;
	int link_fd;	/* >= 0 when attached through a bpf_link: closing it (or dying) detaches */
	__u32 flags;	/* XDP_FLAGS_DRV_MODE or XDP_FLAGS_SKB_MODE */
	int attached;
};

/* Opens `file` next to our executable and loads only the program named `name`; 0 or -errno. */
int xdpprog_load(struct xdpprog *p, const char *file, const char *name);
/* Attaches to `ifindex` in mode "drv" or "skb"; 0 or -errno. Detached again at exit (see xdpprog_close). */
int xdpprog_attach(struct xdpprog *p, int ifindex, const char *mode, int use_link);
int xdpprog_map_fd(struct xdpprog *p, const char *map);
/* Detaches and frees; safe to call twice. */
void xdpprog_close(struct xdpprog *p);
/* Sum over CPUs of slot `key` of a per-CPU array of u64. */
uint64_t percpu_sum(int map_fd, uint32_t key);

#endif
