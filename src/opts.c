/*
 * opts.c: command-line parsing; see opts.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "flow-name.h"
#include "xmalloc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

#define OPT_OVERLAP	256
#define OPT_BATCH	257
#define OPT_NETVIZ	258
#define OPT_OPEN	259
#define OPT_TUI		260
#define OPT_FOLLOW	261

static const char usage_text[] =
"usage: flowscope [options] [-r FILE]... [-i IFACE] [EXPRESSION]\n"
"\n"
"Reassemble the TCP connections of a capture (or a live interface).  On a\n"
"terminal, browse them in the interactive UI (? shows its keys); in batch\n"
"mode, write each direction to a file named as tcpflow names it, plus\n"
"report.xml.\n"
"\n"
"Input:\n"
"  -r FILE          read a pcap or pcapng file (repeatable; - is stdin; .gz ok)\n"
"  -l               the remaining arguments are input files, not a filter\n"
"  -i IFACE         capture live from IFACE (any for all; without -r and -i:\n"
"                   the first device)\n"
"  -p               do not put the interface into promiscuous mode\n"
"  EXPRESSION       BPF filter (tcpdump syntax), for files and interfaces\n"
"\n"
"Output:\n"
"  -o DIR           write flow files and report.xml into DIR (created)\n"
"  -T TEMPLATE      file name template (default %A.%a-%B.%b%V%v%C%c)\n"
"  -F LETTERS       k m g: bin into subdirectories by flow number;\n"
"                   t T: prefix Unix / ISO 8601 time; X: no flow files\n"
"  -b N             write at most N bytes per direction\n"
"  -X FILE          write the report to FILE (default DIR/report.xml)\n"
"  -w FILE          write packets that reached IP but were not TCP to FILE\n"
"  -S NAME=VALUE    enable_report=YES|NO, tcp_timeout=SECONDS,\n"
"                   tdelta=SECONDS, max_connections=N\n"
"  --overlap=first|last\n"
"                   which copy wins where retransmitted bytes differ\n"
"                   (default first; last is tcpflow's behaviour)\n"
"  --batch          batch mode: write files and exit (the default when\n"
"                   stdout is not a terminal, or with -o -c -C -D -e -w)\n"
"  --tui            the interactive UI even with batch options or no\n"
"                   terminal on stdout (-o DIR: streams are written there)\n"
"  --follow         keep reading a capture file another program is still\n"
"                   writing (stop with q or Ctrl-C)\n"
"  -e netviz        also draw a one-page picture of the traffic: report.png\n"
"                   next to report.xml (1600x2000 pixels)\n"
"  --netviz FILE    draw the picture into FILE (a .pdf name gives a PDF)\n"
"  --open DIR       browse a directory written by flowscope or tcpflow\n"
"                   (DIR/report.xml and its flow files) in the UI; with\n"
"                   -e netviz, draw its picture instead\n"
"\n"
"Console (print reassembled bytes instead of writing files):\n"
"  -c               print each direction's bytes as \"name: bytes\"\n"
"  -C               print the bytes without the name\n"
"  -D               print as a hex dump\n"
"  -0               no newline after each run of bytes\n"
"  -B               raw bytes (only when stdout is not a terminal: on a\n"
"                   terminal the bytes are escaped anyway)\n"
"  -s               non-printable bytes as '.' (the default)\n"
"  -g               colour: blue for the client's side, red for the server's\n"
"\n"
"Limits and privileges:\n"
"  -m N             start a new file when a segment is N bytes away from the\n"
"                   expected one (default 0: never)\n"
"  -f N             keep at most N files open (default: the fd limit - 32)\n"
"  -U USER          drop root privileges to USER after opening the input\n"
"  -z DIR           chroot to DIR after opening the input\n"
"\n"
"  -v               verbose diagnostics on stderr\n"
"  -d LEVEL         tcpflow's debug level: 10 or more is -v\n"
"  -q               accepted for tcpflow compatibility; does nothing\n"
"  -h, --help       this help\n"
"  -V, --version    print the version\n";

void
opts_usage(FILE *out)
{
	fputs(usage_text, out);
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (s == NULL || *s == '\0' || *s == '-')
		return (-1);
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return (-1);
	*v = x;
	return (0);
}

static int
parse_s64(const char *s, int64_t *v)
{
	char *end;
	long long x;

	if (s == NULL || *s == '\0')
		return (-1);
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return (-1);
	*v = x;
	return (0);
}

static int
parse_S(struct opts *o, const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	const char *v;
	size_t n;

	if (eq == NULL) {
		snprintf(err, errlen, "-S %s: expected NAME=VALUE", arg);
		return (-1);
	}
	n = (size_t)(eq - arg);
	v = eq + 1;
	if (n == 13 && strncmp(arg, "enable_report", n) == 0) {
		if (strcasecmp(v, "YES") == 0 || strcmp(v, "1") == 0)
			o->enable_report = true;
		else if (strcasecmp(v, "NO") == 0 || strcmp(v, "0") == 0)
			o->enable_report = false;
		else
			goto bad;
		return (0);
	}
	if (n == 11 && strncmp(arg, "tcp_timeout", n) == 0) {
		if (parse_u64(v, &o->tcp_timeout) == -1)
			goto bad;
		return (0);
	}
	if (n == 6 && strncmp(arg, "tdelta", n) == 0) {
		if (parse_s64(v, &o->tdelta) == -1)
			goto bad;
		return (0);
	}
	if (n == 15 && strncmp(arg, "max_connections", n) == 0) {
		if (parse_u64(v, &o->max_conns) == -1 || o->max_conns == 0)
			goto bad;
		return (0);
	}
	snprintf(err, errlen, "-S %.*s: unknown parameter (known: "
	    "enable_report, tcp_timeout, tdelta, max_connections)", (int)n,
	    arg);
	return (-1);
bad:
	snprintf(err, errlen, "-S %s: bad value", arg);
	return (-1);
}

static void
add_file(struct opts *o, const char *f)
{
	o->files = xreallocarray(o->files, o->nfiles + 1, sizeof *o->files);
	o->files[o->nfiles++] = xstrdup(f);
}

static char *
join_args(int argc, char **argv, int from)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = from; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xmalloc(len);
	*s = '\0';
	for (i = from; i < argc; i++) {
		if (i > from)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return (s);
}

int
opts_parse(struct opts *o, int argc, char **argv, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "overlap", required_argument, NULL, OPT_OVERLAP },
		{ "batch", no_argument, NULL, OPT_BATCH },
		{ "netviz", required_argument, NULL, OPT_NETVIZ },
		{ "open", required_argument, NULL, OPT_OPEN },
		{ "tui", no_argument, NULL, OPT_TUI },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "chroot", required_argument, NULL, 'z' },
		{ "relinquish-privileges", required_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 }
	};
	/* tcpflow's letters; those we do not offer are refused below. */
	const char *optstring = "+aA:Bb:cCd:DE:e:F:f:gHhIi:lL:m:o:pqR:r:S:sT:"
	    "U:Vvw:x:X:z:ZK0J";
	bool files_from_args = false;
	uint64_t v;
	char *t;
	int ch;

	memset(o, 0, sizeof *o);
	o->promisc = true;
	o->outdir = ".";
	o->template = xstrdup(FLOW_NAME_DEFAULT_TEMPLATE);
	o->max_bytes = UINT64_MAX;
	o->enable_report = true;
	o->command_line = join_args(argc, argv, 0);
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, optstring, longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'r':
			add_file(o, optarg);
			break;
		case 'l':
			files_from_args = true;
			break;
		case 'i':
			o->iface = optarg;
			break;
		case 'p':
			o->promisc = false;
			break;
		case 'o':
			o->outdir = optarg;
			o->outdir_set = true;
			o->batch = true;
			break;
		case 'T':
			free(o->template);
			o->template = xstrdup(optarg);
			break;
		case 'F':
			for (t = optarg; *t != '\0'; t++) {
				char *nt;

				if (*t == 'X') {
					o->no_files = true;
					continue;
				}
				if ((nt = flow_name_apply_F(o->template, *t)) ==
				    NULL) {
					snprintf(err, errlen, "-F %c: unknown "
					    "letter (known: k m g t T X)", *t);
					return (-1);
				}
				free(o->template);
				o->template = nt;
			}
			break;
		case 'b':
			if (parse_u64(optarg, &o->max_bytes) == -1) {
				snprintf(err, errlen, "-b %s: not a byte count",
				    optarg);
				return (-1);
			}
			break;
		case 'c':
			o->console = CONSOLE_PREFIX;
			o->batch = true;
			break;
		case 'C':
			o->console = CONSOLE_PLAIN;
			o->batch = true;
			break;
		case 'D':
			o->hexdump = true;
			o->batch = true;
			break;
		case '0':
			o->no_newline = true;
			break;
		case 'B':
			o->binary = true;
			break;
		case 's':
			o->binary = false;
			break;
		case 'g':
			o->color = true;
			break;
		case 'w':
			o->dump_file = optarg;
			o->batch = true;
			o->batch = true;
			break;
		case 'X':
			o->report_file = optarg;
			break;
		case 'S':
			if (parse_S(o, optarg, err, errlen) == -1)
				return (-1);
			break;
		case 'm':
			if (parse_u64(optarg, &o->max_seek) == -1) {
				snprintf(err, errlen, "-m %s: not a byte count",
				    optarg);
				return (-1);
			}
			break;
		case 'f':
			if (parse_u64(optarg, &v) == -1 || v == 0 ||
			    v > INT_MAX) {
				snprintf(err, errlen, "-f %s: not a file count",
				    optarg);
				return (-1);
			}
			o->max_fds = (size_t)v;
			break;
		case 'U':
			o->user = optarg;
			break;
		case 'z':
			o->chroot_dir = optarg;
			break;
		case 'd':
			if (parse_u64(optarg, &v) == -1) {
				snprintf(err, errlen, "-d %s: not a number",
				    optarg);
				return (-1);
			}
			if (v >= 10)
				o->verbose = 1;
			break;
		case 'q':
			break;
		case 'v':
			o->verbose = 1;
			break;
		case OPT_OVERLAP:
			if (strcmp(optarg, "first") == 0)
				o->overlap_last = false;
			else if (strcmp(optarg, "last") == 0)
				o->overlap_last = true;
			else {
				snprintf(err, errlen, "--overlap=%s: expected "
				    "first or last", optarg);
				return (-1);
			}
			break;
		case OPT_BATCH:
			o->batch = true;
			break;
		case 'e':
			if (strcmp(optarg, "netviz") != 0) {
				snprintf(err, errlen, "-e %s: unknown scanner "
				    "(this build has netviz only)", optarg);
				return (-1);
			}
			o->netviz = true;
			o->batch = true;
			break;
		case OPT_NETVIZ:
			o->netviz = true;
			o->netviz_file = optarg;
			o->batch = true;
			break;
		case OPT_TUI:
			o->tui = true;
			break;
		case OPT_FOLLOW:
			o->follow = true;
			break;
		case OPT_OPEN:
			o->open_dir = optarg;
			break;
		case 'h':
			opts_usage(stdout);
			return (1);
		case 'V':
			printf("flowscope %s\n", PACKAGE_VERSION);
			return (1);
		case '?':
			if (optopt != 0)
				snprintf(err, errlen, "-%c: unknown option "
				    "(see --help)", optopt);
			else
				snprintf(err, errlen, "%s: unknown option "
				    "(see --help)", argv[optind - 1]);
			return (-1);
		case ':':
			snprintf(err, errlen, "-%c: needs an argument", optopt);
			return (-1);
		default:
			snprintf(err, errlen, "-%c: tcpflow option not offered "
			    "by flowscope (see --help)", ch);
			return (-1);
		}
	}
	if (files_from_args) {
		for (; optind < argc; optind++)
			add_file(o, argv[optind]);
	} else if (optind < argc)
		o->filter = join_args(argc, argv, optind);
	if (o->nfiles > 0 && o->iface != NULL) {
		snprintf(err, errlen, "-r and -i: give files or an interface, "
		    "not both");
		return (-1);
	}
	if (o->console != CONSOLE_NONE && o->hexdump)
		o->binary = false;
	if (o->tui && (o->console != CONSOLE_NONE || o->hexdump ||
	    o->netviz || o->dump_file != NULL)) {
		snprintf(err, errlen, "--tui: not with -c, -C, -D, -e or -w");
		return (-1);
	}
	if (o->follow && o->nfiles == 0) {
		snprintf(err, errlen, "--follow: needs -r FILE");
		return (-1);
	}
	if (o->open_dir != NULL && (o->nfiles > 0 || o->iface != NULL)) {
		snprintf(err, errlen, "--open and -r/-i: read a report or a "
		    "capture, not both");
		return (-1);
	}
	if (o->open_dir != NULL && !o->netviz && (o->batch ||
	    o->console != CONSOLE_NONE)) {
		snprintf(err, errlen, "--open %s: browse it in the UI, or draw "
		    "it with -e netviz", o->open_dir);
		return (-1);
	}
	return (0);
}

void
opts_free(struct opts *o)
{
	size_t i;

	for (i = 0; i < o->nfiles; i++)
		free(o->files[i]);
	free(o->files);
	free(o->filter);
	free(o->template);
	free(o->command_line);
}
