/*
 * opts.h: the command line, parsed once into an immutable struct opts.
 * tcpflow's option letters mean what they mean in tcpflow 1.6.1 (see
 * man/flowscope.1 for the differences); a tcpflow option flowscope does not
 * offer is an error naming it, never silently ignored.
 */
#ifndef FLOWSCOPE_OPTS_H
#define FLOWSCOPE_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum console_mode {
	CONSOLE_NONE = 0,
	CONSOLE_PREFIX,		/* -c: "name: bytes" */
	CONSOLE_PLAIN		/* -C: bytes only */
};

struct opts {
	char		**files;	/* -r, -l */
	size_t		 nfiles;
	const char	*iface;		/* -i */
	bool		 promisc;	/* not -p */
	char		*filter;	/* BPF expression, NULL if none */
	const char	*outdir;	/* -o, "." by default */
	bool		 outdir_set;	/* -o given */
	char		*template;	/* -T after -F edits */
	bool		 no_files;	/* -FX */
	uint64_t	 max_bytes;	/* -b, UINT64_MAX if unlimited */
	enum console_mode console;
	bool		 hexdump;	/* -D */
	bool		 no_newline;	/* -0 */
	bool		 binary;	/* -B */
	bool		 color;		/* -g */
	const char	*dump_file;	/* -w */
	const char	*report_file;	/* -X */
	bool		 enable_report;
	uint64_t	 tcp_timeout;	/* -S tcp_timeout, seconds */
	int64_t		 tdelta;	/* -S tdelta, seconds */
	uint64_t	 max_conns;	/* -S max_connections */
	uint64_t	 max_seek;	/* -m, 0 off */
	size_t		 max_fds;	/* -f, 0 from the limit */
	const char	*user;		/* -U */
	const char	*chroot_dir;	/* -z */
	bool		 overlap_last;	/* --overlap=last */
	bool		 batch;		/* batch mode asked for or implied */
	bool		 tui;		/* --tui: the UI even without a tty */
	bool		 follow;	/* --follow: wait for more at the end */
	bool		 netviz;	/* -e netviz or --netviz */
	const char	*netviz_file;	/* --netviz, NULL: DIR/report.png */
	const char	*open_dir;	/* --open: read DIR/report.xml */
	int		 verbose;
	char		*command_line;	/* for report.xml */
};

/*
 * Parse argv into o.  Returns 0 to run, 1 when --help or --version was
 * printed (exit 0), -1 with a one-line message in err (exit 1).
 */
int		 opts_parse(struct opts *o, int argc, char **argv, char *err,
		    size_t errlen);
void		 opts_usage(FILE *out);
void		 opts_free(struct opts *o);

#endif /* FLOWSCOPE_OPTS_H */
