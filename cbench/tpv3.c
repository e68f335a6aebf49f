/* SPDX-License-Identifier: MIT */
/*
 * tpv3: receive through an AF_PACKET socket with a TPACKET_V3 receive ring, the way libpcap does
 * on Linux (and with it tcpdump and pcap4j): the kernel fills blocks of variable-length frames in
 * a ring mapped into our memory and hands a block over when it is full or its timeout expires; we
 * walk its frames, read each one's UDP source port, and give the block back. When the next block is
 * not ours yet, poll() sleeps until it is.
 *
 * Ring geometry defaults to libpcap's: a 2 MiB buffer in blocks of 256 KiB (its MAXIMUM_SNAPLEN
 * "frame", rounded to pages), the block timeout being pcap's read timeout (10 ms here). -S, -N
 * and -o change them (e.g. -S 1048576 -N 16 for a 16 MiB ring).
 *
 * Drops: PACKET_STATISTICS (reading it resets it), read when the window opens and closes.
 * Measured like rxdrop: the window starts `warmup` after the first frame, the program ends when it
 * closes.
 */
#include "cbench.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

static struct tpacket_stats_v3 read_stats(int fd)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	memset(&st, 0, sizeof(st));
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		die("PACKET_STATISTICS", errno);
	return st;
}

int run_tpv3(void)
{
	int ifindex = if_nametoindex(opt.ifname), fd, version = TPACKET_V3;
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
	struct tpacket_req3 req = {
		.tp_block_size = opt.block_size,
		.tp_block_nr = opt.block_nr,
		/* A "frame" is only the kernel's unit for sizing: frames are packed into blocks back to back. */
		.tp_frame_size = opt.block_size,
		.tp_frame_nr = opt.block_nr,
		.tp_retire_blk_tov = opt.block_tov_ms,
	};
	uint8_t *ring;
	size_t ring_len = (size_t)opt.block_size * opt.block_nr;

	if (!ifindex)
		die(opt.ifname, errno);
	/* Protocol 0: receives nothing until bound (below, once the ring is there to take every frame). */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		die("socket(AF_PACKET)", errno);
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)))
		die("PACKET_VERSION", errno);
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		die("PACKET_RX_RING", errno);
	ring = mmap(NULL, ring_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (ring == MAP_FAILED)
		die("mmap PACKET_RX_RING", errno);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind(AF_PACKET)", errno);
	read_stats(fd); /* zero the counters */
	printf("tpv3 if=%s block_size=%d blocks=%d block_timeout_ms=%d\n", opt.ifname, opt.block_size, opt.block_nr,
	       opt.block_tov_ms);
	fflush(stdout);

	struct pollfd pfd = {.fd = fd, .events = POLLIN | POLLERR};
	struct window w = {0};
	struct tpacket_stats_v3 st;
	uint64_t total = 0, at_open = 0, at_close = 0, polls = 0, blocks = 0, last_report = 0;
	uint64_t drops_run = 0, drops_window = 0, freezes = 0, sum = 0;
	uint64_t t_start = now_ns(), next_report = 0;
	unsigned int blk = 0;

	while (!stop_requested) {
		struct tpacket_block_desc *bd = (struct tpacket_block_desc *)(ring + (size_t)blk * opt.block_size);

		if (__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) {
			struct tpacket3_hdr *h = (struct tpacket3_hdr *)((uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt);
			uint32_t n = bd->hdr.bh1.num_pkts;

			for (uint32_t i = 0; i < n; i++) {
				if (h->tp_snaplen >= FRAME_SPORT_OFF + 2)
					sum += read_be16((uint8_t *)h + h->tp_mac + FRAME_SPORT_OFF);
				h = (struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset);
			}
			total += n;
			blocks++;
			__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
			blk = (blk + 1) % opt.block_nr;
		} else {
			polls++;
			poll(&pfd, 1, 100);
		}

		uint64_t t = now_ns();
		if (!w.origin) {
			if (total) {
				window_start(&w, t);
				next_report = t + NS_PER_S;
			} else if (t - t_start > secs_to_ns(opt.wait_first)) {
				fprintf(stderr, "tpv3: no packet within %.0f s\n", opt.wait_first);
				break;
			}
			continue;
		}
		switch (window_tick(&w, t)) {
		case WIN_OPENED:
			at_open = total;
			st = read_stats(fd);
			drops_run += st.tp_drops;
			freezes += st.tp_freeze_q_cnt;
			break;
		case WIN_CLOSED:
			at_close = total;
			st = read_stats(fd);
			drops_run += st.tp_drops;
			drops_window = st.tp_drops;
			freezes += st.tp_freeze_q_cnt;
			break;
		case WIN_NONE:
			break;
		}
		if (t >= next_report) {
			printf("  rx %llu pps\n", (unsigned long long)(total - last_report));
			last_report = total;
			next_report += NS_PER_S;
		}
		if (w.closed)
			break;
	}
	if (!w.closed) {
		at_close = total;
		st = read_stats(fd);
		drops_run += st.tp_drops;
		freezes += st.tp_freeze_q_cnt;
	}
	double secs = window_secs(&w, now_ns());
	/* drops: frames the kernel had no room for in the window (all blocks ours); drops_total over the run. */
	printf("RESULT mode=tpv3 rx_pps=%.0f rx_total=%llu secs=%.3f drops=%llu drops_total=%llu freezes=%llu "
	       "blocks=%llu polls=%llu frames_per_block=%.1f sport_sum=%llu\n",
	       secs > 0 ? (at_close - at_open) / secs : 0.0, (unsigned long long)total, secs,
	       (unsigned long long)drops_window, (unsigned long long)drops_run, (unsigned long long)freezes,
	       (unsigned long long)blocks, (unsigned long long)polls, blocks ? (double)total / blocks : 0.0,
	       (unsigned long long)sum);
	munmap(ring, ring_len);
	close(fd);
	return w.origin ? 0 : 3;
}
