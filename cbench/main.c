/* SPDX-License-Identifier: MIT */
/* cbench's command line: one mode per run (see usage). */
#include "cbench.h"

#include <getopt.h>

struct opts opt = {
	.queue = 0,
	.nq = 1,
	.xdp_mode = "drv",
	.batch = 64,
	.size = 64,
	.duration = 5,
	.warmup = 1,
	.wait_first = 15,
	.cpu = -1,
	.nports = 1,
	.frame_size = 4096,
	.count = 100000,
	/* libpcap's TPACKET_V3 ring: a 2 MiB buffer in blocks of 256 KiB, pcap's read timeout as block timeout. */
	.block_size = 1 << 18,
	.block_nr = 8,
	.block_tov_ms = 10,
};

volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(const char *why)
{
	if (why) {
		fprintf(stderr, "cbench: %s (cbench without arguments prints the usage)\n", why);
		exit(1);
	}
	fprintf(stderr,
		"usage: cbench MODE -i IF [options]\n"
		"modes:\n"
		"  txonly   send frames as fast as the socket takes them (AF_XDP, copy mode)\n"
		"  rxdrop   receive on queues -q..-q+Q-1 with one thread, read each frame, recycle it\n"
		"  reflect  send every frame back with its MACs swapped, zero-copy\n"
		"  ping     one frame in flight to a reflector; round-trip percentiles\n"
		"  xdpdrop  XDP program that counts and drops every frame\n"
		"  tpv3     AF_PACKET receive through a TPACKET_V3 ring, as libpcap does\n"
		"options (a mode uses those that apply to it):\n"
		"  -i IF    interface                       -q Q    first queue (0)\n"
		"  -Q N     queues, one socket each (1)     -m M    XDP mode drv|skb|none (drv; none: no program, txonly)\n"
		"  -L       attach through a bpf_link (else netlink)\n"
		"  -w       XDP_USE_NEED_WAKEUP             -b N    frames per ring operation (64)\n"
		"  -s N     frame length without FCS (64)   -F N    UMEM frame size (4096)\n"
		"  -G       multi-buffer (XDP_USE_SG; the program loaded with frags): frames longer than -F\n"
		"  -U       one UMEM shared by the -Q sockets (XDP_SHARED_UMEM)\n"
		"  -B N     XDP_MAX_TX_SKB_BUDGET: descriptors per copy-mode TX kick (kernel default 32)\n"
		"  -P N     vary the UDP source port over N values (1)\n"
		"  -r       txonly: reuse the frames completed last (LIFO) instead of cycling through all 4096\n"
		"  -D MAC   destination MAC of the frames we build (ff:ff:ff:ff:ff:ff)\n"
		"  -p       poll() when a round found nothing (else spin)\n"
		"  -K US    kernel busy polling: SO_PREFER_BUSY_POLL, SO_BUSY_POLL=US, SO_BUSY_POLL_BUDGET=-b\n"
		"  -W S     unmeasured seconds before the window (1)   -d S  measured seconds (5; reflect/xdpdrop 0: until killed)\n"
		"  -t S     txonly/reflect: keep going S seconds after the window (0)\n"
		"  -T S     give up if no frame arrives within S seconds (15)\n"
		"  -n N     ping: measured round trips (100000)         -c CPU  pin to this CPU\n"
		"  -S N -N N -o MS   tpv3: block bytes (262144), blocks (8), block timeout ms (10)\n"
		"Every run ends with one line: RESULT mode=MODE key=value ...\n");
	exit(1);
}

static int positive(const char *s, const char *flag)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == 0 || *end != 0 || v < 1 || v > 1 << 30) {
		fprintf(stderr, "cbench: %s %s: must be a positive integer\n", flag, s);
		exit(1);
	}
	return (int)v;
}

static double seconds(const char *s, const char *flag)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == 0 || *end != 0 || !(v >= 0 && v <= 86400)) {
		fprintf(stderr, "cbench: %s %s: must be seconds, 0..86400\n", flag, s);
		exit(1);
	}
	return v;
}

static void parse(int argc, char **argv)
{
	int c;

	if (argc < 2 || argv[1][0] == '-')
		usage(NULL);
	opt.mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "i:q:Q:m:Lwb:s:d:W:c:P:GUF:B:rn:D:pT:t:K:S:N:o:")) != -1) {
		switch (c) {
		case 'i': opt.ifname = optarg; break;
		case 'q': opt.queue = atoi(optarg); break;
		case 'Q': opt.nq = positive(optarg, "-Q"); break;
		case 'm': opt.xdp_mode = optarg; break;
		case 'L': opt.use_link = 1; break;
		case 'w': opt.need_wakeup = 1; break;
		case 'b': opt.batch = positive(optarg, "-b"); break;
		case 's': opt.size = positive(optarg, "-s"); break;
		case 'd': opt.duration = seconds(optarg, "-d"); break;
		case 'W': opt.warmup = seconds(optarg, "-W"); break;
		case 'c': opt.cpu = atoi(optarg); break;
		case 'P': opt.nports = positive(optarg, "-P"); break;
		case 'G': opt.sg = 1; break;
		case 'U': opt.shared_umem = 1; break;
		case 'F': opt.frame_size = positive(optarg, "-F"); break;
		case 'B': opt.tx_budget = positive(optarg, "-B"); break;
		case 'r': opt.recycle = 1; break;
		case 'n': opt.count = positive(optarg, "-n"); break;
		case 'D':
			if (parse_mac(optarg, opt.dmac))
				usage("-D: not a MAC address");
			opt.have_dmac = 1;
			break;
		case 'p': opt.use_poll = 1; break;
		case 'T': opt.wait_first = seconds(optarg, "-T"); break;
		case 't': opt.tail = seconds(optarg, "-t"); break;
		case 'K': opt.busy_poll_us = positive(optarg, "-K"); break;
		case 'S': opt.block_size = positive(optarg, "-S"); break;
		case 'N': opt.block_nr = positive(optarg, "-N"); break;
		case 'o': opt.block_tov_ms = positive(optarg, "-o"); break;
		default: usage(NULL);
		}
	}
	if (optind != argc)
		usage("unexpected argument");
	if (!opt.ifname)
		usage("-i IF is required");
	if (opt.nq > 16)
		usage("-Q: at most 16 queues");
	if (opt.batch > 2048)
		usage("-b: at most 2048 (the ring size)");
	if (opt.frame_size != 2048 && opt.frame_size != 4096)
		usage("-F: 2048 or 4096");
	if (opt.size < FRAME_MIN || opt.size > 9728)
		usage("-s: 42..9728 bytes");
	if (opt.size > opt.frame_size && !opt.sg && strcmp(opt.mode, "tpv3"))
		usage("-s longer than a UMEM frame (-F) needs -G");
	if (opt.nports > 64)
		usage("-P: at most 64 ports");
	if (strcmp(opt.xdp_mode, "drv") && strcmp(opt.xdp_mode, "skb") && strcmp(opt.xdp_mode, "none"))
		usage("-m: drv, skb or none");
	if (!strcmp(opt.xdp_mode, "none") && strcmp(opt.mode, "txonly"))
		usage("-m none: only txonly runs without a program");
}

int main(int argc, char **argv)
{
	parse(argc, argv);
	/* Line-buffered even into a pipe: the bench waits for the ready line. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	pin_cpu(opt.cpu);
	if (!strcmp(opt.mode, "txonly"))
		return run_txonly();
	if (!strcmp(opt.mode, "rxdrop"))
		return run_rxdrop();
	if (!strcmp(opt.mode, "reflect"))
		return run_reflect();
	if (!strcmp(opt.mode, "ping"))
		return run_ping();
	if (!strcmp(opt.mode, "xdpdrop"))
		return run_xdpdrop();
	if (!strcmp(opt.mode, "tpv3"))
		return run_tpv3();
	usage("unknown mode");
	return 1;
}
