/* SPDX-License-Identifier: MIT */
#include "cbench.h"
#include "xdpprog.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <libgen.h>
#include <limits.h>
#include <linux/if_link.h>
#include <stdarg.h>
#include <unistd.h>

/* libbpf's debug chatter off; its warnings and errors still reach stderr. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* The .bpf.o files are built next to the executable: find them there, whatever the working directory. */
static void beside_executable(char *out, size_t n, const char *file)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (len <= 0) {
		snprintf(out, n, "%s", file);
		return;
	}
	exe[len] = 0;
	snprintf(out, n, "%s/%s", dirname(exe), file);
}

int xdpprog_load(struct xdpprog *p, const char *file, const char *name)
{
	char path[PATH_MAX];
	struct bpf_program *prog, *want = NULL;
	int err;

	memset(p, 0, sizeof(*p));
	p->prog_fd = -1;
	p->link_fd = -1;
	libbpf_set_print(libbpf_print);
	beside_executable(path, sizeof(path), file);
	p->obj = bpf_object__open_file(path, NULL);
	if (!p->obj)
		return -errno;
	/* An object holds the plain and the frags variant: load only the one asked for. */
	bpf_object__for_each_program(prog, p->obj) {
		if (!strcmp(bpf_program__name(prog), name))
			want = prog;
		else
			bpf_program__set_autoload(prog, false);
	}
	if (!want)
		return -ENOENT;
	err = bpf_object__load(p->obj);
	if (err)
		return err;
	p->prog_fd = bpf_program__fd(want);
	return 0;
}

int xdpprog_attach(struct xdpprog *p, int ifindex, const char *mode, int use_link)
{
	if (!strcmp(mode, "drv"))
		p->flags = XDP_FLAGS_DRV_MODE;
	else if (!strcmp(mode, "skb"))
		p->flags = XDP_FLAGS_SKB_MODE;
	else
		return -EINVAL;
	p->ifindex = ifindex;
	if (use_link) {
		LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = p->flags);
		int fd = bpf_link_create(p->prog_fd, ifindex, BPF_XDP, &lo);

		if (fd < 0)
			return fd < -1 ? fd : -errno;
		p->link_fd = fd;
	} else {
		/* Never replace a program someone else attached. */
		int err = bpf_xdp_attach(ifindex, p->prog_fd, p->flags | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);

		if (err)
			return err;
	}
	p->attached = 1;
	return 0;
}

int xdpprog_map_fd(struct xdpprog *p, const char *map)
{
	return p->obj ? bpf_object__find_map_fd_by_name(p->obj, map) : -1;
}

void xdpprog_close(struct xdpprog *p)
{
	if (p->attached) {
		if (p->link_fd >= 0) {
			close(p->link_fd);
			p->link_fd = -1;
		} else {
			/* Only if it is still ours (old_prog_fd): a netlink attachment outlives us otherwise. */
			LIBBPF_OPTS(bpf_xdp_attach_opts, ao, .old_prog_fd = p->prog_fd);
			int err = bpf_xdp_detach(p->ifindex, p->flags, &ao);

			if (err)
				fprintf(stderr, "warning: detaching the XDP program: %s\n", strerror(-err));
		}
		p->attached = 0;
	}
	if (p->obj)
		bpf_object__close(p->obj);
	p->obj = NULL;
}

uint64_t percpu_sum(int map_fd, uint32_t key)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t sum = 0;

	if (ncpu <= 0)
		return 0;
	uint64_t vals[ncpu];
	if (bpf_map_lookup_elem(map_fd, &key, vals))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}
