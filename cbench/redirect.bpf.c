/* SPDX-License-Identifier: MIT */
/*
 * Hands each frame to the AF_XDP socket registered for its RX queue; a queue without one passes
 * its frames to the network stack (the low bits of bpf_redirect_map's flags are the action on a
 * miss, Linux 5.3). The same program as libxdp's default and the library's own, without counters:
 * every instruction here runs per frame in the kernel's receive path and would be charged to the
 * C side.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

SEC("xdp")
int xsk_redirect(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
}

/*
 * The same, loaded with BPF_F_XDP_HAS_FRAGS (the section name tells libbpf): it may see frames
 * spread over several buffers, which native XDP needs when the MTU does not fit one page (veth:
 * above about 3.5 kB) and which XDP_USE_SG sockets need.
 */
SEC("xdp.frags")
int xsk_redirect_frags(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
}

char _license[] SEC("license") = "Dual MIT/GPL";
