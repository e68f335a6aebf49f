/* SPDX-License-Identifier: MIT */
/* The kernel's cheapest receiver: count the frame (per CPU, no atomics) and drop it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline int count_and_drop(void)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&drops, &key);

	if (n)
		(*n)++;
	return XDP_DROP;
}

SEC("xdp")
int xdp_count_drop(struct xdp_md *ctx)
{
	return count_and_drop();
}

/* For interfaces whose MTU needs multi-buffer frames (see redirect.bpf.c). */
SEC("xdp.frags")
int xdp_count_drop_frags(struct xdp_md *ctx)
{
	return count_and_drop();
}

char _license[] SEC("license") = "Dual MIT/GPL";
