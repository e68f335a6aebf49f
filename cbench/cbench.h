/* SPDX-License-Identifier: MIT */
/*
 * cbench: the C side of `xdppacket bench --compare-c`, on Debian's libxdp (the xsk.h ring helpers)
 * and libbpf, with XDP programs of our own (*.bpf.c, built with clang -target bpf).
 *
 * One program, one mode per run; every mode prints a ready line "<mode> if=..." once its sockets
 * are bound and its program attached, progress lines, and at the end one line
 * "RESULT mode=<mode> key=value ..." that the bench parses. Sockets print their XDP_STATISTICS on
 * "<mode> qN xdp_stats: ..." lines.
 *
 * This header holds what every mode shares: the options, the kernel ABI the Debian headers lack,
 * the clock, the measured window, frames and errors.
 */
#ifndef CBENCH_H
#define CBENCH_H

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/if_xdp.h>
#include <sys/socket.h>

/*
 * Kernel ABI newer than Debian 12's uapi headers (linux-libc-dev 6.1), written by hand with the
 * kernel version that introduced it.
 */
#ifndef XDP_USE_SG
#define XDP_USE_SG (1 << 4)		/* bind flag, Linux 6.6: frames longer than one UMEM frame */
#endif
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD (1 << 0)		/* xdp_desc.options, Linux 6.6: the packet goes on in the next descriptor */
#endif
#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9		/* SOL_XDP option, Linux 6.17: descriptors one copy-mode TX kick sends (default 32) */
#endif
#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69		/* SOL_SOCKET option, Linux 5.11 */
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70		/* SOL_SOCKET option, Linux 5.11 */
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif

/* Every option of every mode; a mode reads those that apply to it (see usage() in main.c). */
struct opts {
	const char *mode;
	const char *ifname;	/* -i */
	int queue;		/* -q: first queue */
	int nq;			/* -Q: queues (one socket each) */
	const char *xdp_mode;	/* -m: drv, skb, or none (no program: send only) */
	int use_link;		/* -L: attach through a bpf_link, else netlink */
	int need_wakeup;	/* -w: XDP_USE_NEED_WAKEUP */
	int batch;		/* -b: frames per ring operation */
	int size;		/* -s: frame length without FCS */
	double duration;	/* -d: measured seconds */
	double warmup;		/* -W: unmeasured seconds before the window */
	double tail;		/* -t: seconds to keep going after the window */
	double wait_first;	/* -T: give up if no frame arrives within this many seconds */
	int cpu;		/* -c: pin to this CPU (-1: leave as started) */
	int nports;		/* -P: UDP source ports to vary over */
	int sg;			/* -G: XDP_USE_SG, and the program loaded with frags */
	int shared_umem;	/* -U: one UMEM for all sockets (XDP_SHARED_UMEM) */
	int frame_size;		/* -F: UMEM frame size */
	int tx_budget;		/* -B: XDP_MAX_TX_SKB_BUDGET (0: the kernel's default) */
	int recycle;		/* -r: txonly reuses the frames completed last (LIFO), else cycles through all */
	long count;		/* -n: ping's measured round trips */
	uint8_t dmac[6];	/* -D: destination MAC of the frames we build */
	int have_dmac;
	int use_poll;		/* -p: poll() when a round found nothing, else spin */
	int busy_poll_us;	/* -K: kernel busy polling (SO_BUSY_POLL µs, preferred, budget = batch) */
	int block_size;		/* -S: tpv3 block bytes */
	int block_nr;		/* -N: tpv3 blocks */
	int block_tov_ms;	/* -o: tpv3 block retire timeout, ms */
};

extern struct opts opt;
extern volatile sig_atomic_t stop_requested;

/* The modes; each returns the process exit code (0 ok, 3 no traffic arrived). */
int run_txonly(void);
int run_rxdrop(void);
int run_reflect(void);
int run_ping(void);
int run_xdpdrop(void);
int run_tpv3(void);

#define NS_PER_S 1000000000ull

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static inline uint64_t secs_to_ns(double s)
{
	return (uint64_t)(s * 1e9);
}

/* Prints "FATAL: what: strerror(err)" and exits 2 (atexit handlers detach programs). */
void die(const char *what, int err) __attribute__((noreturn));
void pin_cpu(int cpu);

/*
 * The measured window, by our own clock: it opens `warmup` seconds after its origin (the start of
 * the run for a sender, the first frame for a receiver) and lasts `duration` seconds. The bench
 * starts both sides within milliseconds and gives senders a tail, so that every receiver's window
 * lies inside the time its sender runs.
 */
enum window_event { WIN_NONE, WIN_OPENED, WIN_CLOSED };

struct window {
	uint64_t origin;	/* 0 until started */
	uint64_t opens, closes;	/* planned edges */
	uint64_t opened, closed;	/* when we saw them (the rates divide by closed - opened) */
};

void window_start(struct window *w, uint64_t now);
/* WIN_OPENED or WIN_CLOSED the first time `now` is past an edge (the caller samples its counters then). */
enum window_event window_tick(struct window *w, uint64_t now);
/* Seconds between the edges seen; up to `now` if the window never closed (interrupted). */
double window_secs(const struct window *w, uint64_t now);

/* Frames: Ethernet/IPv4/UDP from 198.18.0.1 to 198.18.0.2 port 9, as the bench's Java senders build them. */
#define FRAME_MIN 42
#define FRAME_SRC_PORT_BASE 10000
#define FRAME_SPORT_OFF 34	/* UDP source port: what receivers read from every frame */
#define FRAME_PAYLOAD_OFF 42

int if_mac(const char *ifname, uint8_t mac[6]);
int parse_mac(const char *s, uint8_t mac[6]);
/* Writes a frame of exactly `len` bytes (>= FRAME_MIN) into buf; UDP checksum 0 (none, allowed for IPv4). */
void build_udp_frame(uint8_t *buf, size_t len, const uint8_t dmac[6], const uint8_t smac[6], uint16_t sport);

static inline uint16_t read_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

#endif
