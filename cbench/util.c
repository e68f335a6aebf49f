/* SPDX-License-Identifier: MIT */
/* What every mode shares: errors, CPU pinning, the measured window, and the frames we send. */
#include "cbench.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>

void die(const char *what, int err)
{
	fprintf(stderr, "FATAL: %s: %s (errno %d)\n", what, strerror(err), err);
	exit(2);
}

void pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity", errno);
}

void window_start(struct window *w, uint64_t now)
{
	w->origin = now;
	w->opens = now + secs_to_ns(opt.warmup);
	w->closes = w->opens + secs_to_ns(opt.duration);
	w->opened = w->closed = 0;
}

enum window_event window_tick(struct window *w, uint64_t now)
{
	if (!w->opened && now >= w->opens) {
		w->opened = now;
		return WIN_OPENED;
	}
	if (w->opened && !w->closed && now >= w->closes) {
		w->closed = now;
		return WIN_CLOSED;
	}
	return WIN_NONE;
}

double window_secs(const struct window *w, uint64_t now)
{
	if (!w->opened)
		return 0;
	return ((w->closed ? w->closed : now) - w->opened) / 1e9;
}

int if_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;
	int fd, rc, err;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
	err = errno;
	close(fd);
	if (rc)
		return -err;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int m[6];
	char end;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &end) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (m[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)m[i];
	}
	return 0;
}

/* RFC 1071 Internet checksum of the IPv4 header. */
static uint16_t ip_checksum(const void *data, size_t len)
{
	const uint16_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	if (len)
		sum += *(const uint8_t *)p;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void build_udp_frame(uint8_t *buf, size_t len, const uint8_t dmac[6], const uint8_t smac[6], uint16_t sport)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	uint8_t *payload = (uint8_t *)(udp + 1);

	memcpy(eth->h_dest, dmac, 6);
	memcpy(eth->h_source, smac, 6);
	eth->h_proto = htons(ETH_P_IP);
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons((uint16_t)(len - sizeof(*eth)));
	/* RFC 2544's benchmarking range; the frames never leave our namespaces. */
	ip->saddr = htonl(0xc6120001); /* 198.18.0.1 */
	ip->daddr = htonl(0xc6120002); /* 198.18.0.2 */
	ip->check = ip_checksum(ip, sizeof(*ip));
	udp->source = htons(sport);
	udp->dest = htons(9); /* discard */
	udp->len = htons((uint16_t)(len - sizeof(*eth) - sizeof(*ip)));
	udp->check = 0;
	for (size_t i = 0; i < len - FRAME_PAYLOAD_OFF; i++)
		payload[i] = (uint8_t)i;
}
