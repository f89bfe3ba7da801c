/* lispdump: prints the LISP packets of a capture file, decoded by our codec.
 *
 *   lispdump [-j] [-k KEY]... FILE.pcap...
 *   lispdump --extract-seeds DIR FILE.pcap...
 *
 * -k keys are tried on authenticated messages; the output names the key by
 * its position on the command line, never its value. --extract-seeds writes
 * each control payload to DIR/control/ and each data payload to DIR/data/,
 * one file per packet (the fuzz corpus). */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lisp_msg.h"
#include "out.h"
#include "pcap_file.h"
#include "print.h"

#define MAX_KEYS 16
#define MAX_FILE_SIZE (256u << 20)

static void usage(FILE *f)
{
	fprintf(f, "usage: lispdump [-j] [-k KEY]... FILE.pcap...\n"
		   "       lispdump --extract-seeds DIR FILE.pcap...\n"
		   "  -j    one JSON object per line\n"
		   "  -k    key to verify Map-Register/Notify/Info auth (repeatable)\n");
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		fprintf(stderr, "lispdump: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > MAX_FILE_SIZE || !(nb = realloc(buf, cap))) {
				fprintf(stderr, "lispdump: %s: too large\n", path);
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "lispdump: %s: read error\n", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static void endpoint(char *buf, size_t len, const struct pcap_udp *u, bool src)
{
	struct lisp_ip ip;
	char a[LISP_ADDR_STRLEN];

	lisp_ip_from_bytes(&ip, u->ip_version == 4 ? LISP_AFI_IPV4 : LISP_AFI_IPV6,
			   src ? u->src : u->dst);
	lisp_ip_format(&ip, a, sizeof(a));
	snprintf(buf, len, u->ip_version == 4 ? "%s:%u" : "[%s]:%u", a,
		 src ? u->sport : u->dport);
}

static bool is_data(const struct pcap_udp *u)
{
	return u->dport == LISP_DATA_PORT;
}

/* An RTR sends data from its port 4342 (NAT traversal): what goes to the
 * data port is data whatever its source port. */
static bool is_control(const struct pcap_udp *u)
{
	return !is_data(u) && (u->sport == LISP_CONTROL_PORT || u->dport == LISP_CONTROL_PORT);
}

static void dump_packet(struct out *o, unsigned frame, const struct pcap_udp *u,
			const struct keyring *keys)
{
	char src[LISP_ADDR_STRLEN + 8], dst[LISP_ADDR_STRLEN + 8];

	endpoint(src, sizeof(src), u, true);
	endpoint(dst, sizeof(dst), u, false);
	out_begin(o);
	if (o->json) {
		out_u64(o, "frame", frame);
		out_str(o, "src", src);
		out_str(o, "dst", dst);
	} else {
		fprintf(o->f, "%u %s > %s", frame, src, dst);
	}
	if (is_control(u))
		print_control(o, u->payload, u->payload_len, keys);
	else
		print_data(o, u->payload, u->payload_len, keys);
	out_end(o);
}

static int write_seed(const char *dir, const char *sub, const char *name, unsigned frame,
		      const char *suffix, const uint8_t *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s-%u%s", dir, sub, name, frame, suffix);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "lispdump: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int extract_seeds(const char *dir, const char *file, unsigned frame,
			 const struct pcap_udp *u)
{
	char copy[4096];
	const char *name;
	struct lisp_ecm ecm;

	snprintf(copy, sizeof(copy), "%s", file);
	name = basename(copy);
	if (is_control(u)) {
		if (write_seed(dir, "control", name, frame, "", u->payload, u->payload_len))
			return -1;
		/* The Map-Request inside an ECM is a seed of its own. */
		if (lisp_ecm_decode(u->payload, u->payload_len, &ecm, NULL) == 0)
			return write_seed(dir, "control", name, frame, "-inner", ecm.payload,
					  ecm.payload_len);
		return 0;
	}
	return write_seed(dir, "data", name, frame, "", u->payload, u->payload_len);
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "lispdump: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int process(const char *file, struct out *o, const struct keyring *keys,
		   const char *seed_dir)
{
	size_t len = 0;
	uint8_t *buf = read_file(file, &len);
	struct pcap_reader r;
	struct pcap_record rec;
	struct lisp_err err = { 0 };
	char why[160];
	unsigned frame = 0;
	int rc;

	if (!buf)
		return -1;
	if (pcap_reader_init(&r, buf, len, &err) != 0) {
		fprintf(stderr, "lispdump: %s: %s\n", file, lisp_err_format(&err, why, sizeof(why)));
		free(buf);
		return -1;
	}
	while ((rc = pcap_reader_next(&r, &rec, &err)) == 1) {
		struct pcap_udp u;

		frame++;
		if (pcap_frame_udp(rec.linktype, rec.data, rec.cap_len, &u, NULL) != 0)
			continue;
		if (!is_control(&u) && !is_data(&u))
			continue;
		if (seed_dir) {
			if (extract_seeds(seed_dir, file, frame, &u)) {
				rc = -1;
				break;
			}
		} else {
			dump_packet(o, frame, &u, keys);
		}
	}
	if (rc < 0 && err.code != LISP_OK)
		fprintf(stderr, "lispdump: %s: after frame %u: %s\n", file, frame,
			lisp_err_format(&err, why, sizeof(why)));
	free(buf);
	return rc < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "extract-seeds", required_argument, NULL, 'x' },
		{ "json", no_argument, NULL, 'j' },
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keys[MAX_KEYS];
	struct keyring ring = { keys, 0 };
	struct out o = { .f = stdout };
	const char *seed_dir = NULL;
	int opt, status = 0;

	while ((opt = getopt_long(argc, argv, "jk:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			o.json = true;
			break;
		case 'k':
			if (ring.n == MAX_KEYS) {
				fprintf(stderr, "lispdump: at most %d keys\n", MAX_KEYS);
				return 2;
			}
			keys[ring.n++] = optarg;
			break;
		case 'x':
			seed_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (seed_dir) {
		char sub[4096];

		snprintf(sub, sizeof(sub), "%s/control", seed_dir);
		if (make_dir(seed_dir) || make_dir(sub))
			return 1;
		snprintf(sub, sizeof(sub), "%s/data", seed_dir);
		if (make_dir(sub))
			return 1;
	}
	for (int i = optind; i < argc; i++)
		if (process(argv[i], &o, &ring, seed_dir) != 0)
			status = 1;
	if (fflush(stdout) != 0)
		status = 1;
	return status;
}
