/*
 * pager-demo.c: open the stream pager on two files, to drive it by hand or
 * from tmux (send-keys, capture-pane).
 *
 *	pager-demo [-l] [-H n] [-p n] client-file server-file
 *
 * The document alternates runs of up to 4 KiB: client piece 0, server piece
 * 0, client piece 1, ... with times 1 ms apart; -p n sets the piece size.
 * Each snapshot stats the files again, so appending to them (cat >> file)
 * makes the stream grow; -l marks the document live.  -H n turns the
 * client's n-th piece into a hole.  H (HTTP view) fails with a message, as
 * it does for a connection that is not HTTP.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <curses.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui-keys.h"
#include "ui-pager.h"
#include "ui-theme.h"
#include "xmalloc.h"

struct demo {
	int		 fd[2];
	struct ui_run	*runs;
	size_t		 nruns;
	uint64_t	 piece;
	long		 hole;
	bool		 live;
	char		 title[160];
	char		 label[2][128];
};

static int
demo_snapshot(void *arg, struct ui_doc *doc, char *err, size_t errlen)
{
	struct demo *d = arg;
	struct stat st;
	uint64_t len[2], off[2];
	size_t	 n, i;
	int	 dir;

	for (dir = 0; dir < 2; dir++) {
		if (fstat(d->fd[dir], &st) == -1) {
			snprintf(err, errlen, "fstat failed");
			return (-1);
		}
		len[dir] = (uint64_t)st.st_size;
	}
	n = (size_t)((len[0] / d->piece + 2) + (len[1] / d->piece + 2)) * 2;
	free(d->runs);
	d->runs = xcalloc(n, sizeof *d->runs);
	d->nruns = 0;
	off[0] = off[1] = 0;
	for (i = 0; off[0] < len[0] || off[1] < len[1]; i++) {
		for (dir = 0; dir < 2; dir++) {
			struct ui_run *r;

			if (off[dir] >= len[dir])
				continue;
			r = &d->runs[d->nruns++];
			r->dir = (uint8_t)dir;
			r->off = off[dir];
			r->len = len[dir] - off[dir] < d->piece ?
			    len[dir] - off[dir] : d->piece;
			r->ts_ns = 1700000000000000000ull +
			    (uint64_t)d->nruns * 1000000u;
			r->kind = dir == 0 && (long)i == d->hole ? RUN_HOLE :
			    RUN_DATA;
			off[dir] += r->len;
		}
	}
	memset(doc, 0, sizeof *doc);
	doc->runs = d->runs;
	doc->nruns = d->nruns;
	doc->len[0] = len[0];
	doc->len[1] = len[1];
	doc->live = d->live;
	doc->timed = true;
	doc->title = d->title;
	doc->label[0] = d->label[0];
	doc->label[1] = d->label[1];
	return (0);
}

static ssize_t
demo_read(void *arg, int dir, uint64_t off, uint8_t *buf, size_t len)
{
	struct demo *d = arg;

	return (pread(d->fd[dir & 1], buf, len, (off_t)off));
}

static int
demo_http(void *arg, bool on, char *err, size_t errlen)
{
	(void)arg;
	(void)on;
	snprintf(err, errlen, "not HTTP (the demo has no decoder)");
	return (-1);
}

static void
draw(struct ui_pager *pg, const struct demo *d)
{
	const struct ui_key *k;
	size_t	 n, i;
	int	 x = 0;

	erase();
	attrset(ui_theme_attr(UR_TITLE));
	mvhline(0, 0, ' ', COLS);
	mvaddnstr(0, 0, d->title, COLS);
	attrset(A_NORMAL);
	ui_pager_draw(pg, 1, LINES - 2, COLS);
	k = ui_pager_keys(&n);
	move(LINES - 1, 0);
	for (i = 0; i < n; i++) {
		if (k[i].bar == NULL || x + (int)strlen(k[i].name) +
		    (int)strlen(k[i].bar) + 2 > COLS)
			continue;
		attrset(ui_theme_attr(UR_BARKEY));
		mvaddstr(LINES - 1, x, k[i].name);
		x += (int)strlen(k[i].name);
		attrset(ui_theme_attr(UR_BARLABEL));
		mvaddstr(LINES - 1, x, k[i].bar);
		x += (int)strlen(k[i].bar) + 1;
	}
	attrset(A_NORMAL);
	if (!ui_pager_prompting(pg))
		curs_set(0);
	else
		curs_set(1);
	refresh();
}

int
main(int argc, char **argv)
{
	struct ui_pager_source src;
	struct ui_pager *pg;
	struct demo d;
	wint_t	 code;
	int	 c, r, dir;

	memset(&d, 0, sizeof d);
	d.piece = 4096;
	d.hole = -1;
	while ((c = getopt(argc, argv, "lH:p:")) != -1) {
		switch (c) {
		case 'l':
			d.live = true;
			break;
		case 'H':
			d.hole = atol(optarg);
			break;
		case 'p':
			d.piece = strtoull(optarg, NULL, 0);
			if (d.piece == 0)
				d.piece = 1;
			break;
		default:
			fprintf(stderr, "usage: pager-demo [-l] [-H n] "
			    "[-p n] client-file server-file\n");
			return (1);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2) {
		fprintf(stderr, "usage: pager-demo [-l] [-H n] [-p n] "
		    "client-file server-file\n");
		return (1);
	}
	for (dir = 0; dir < 2; dir++) {
		if ((d.fd[dir] = open(argv[dir], O_RDONLY)) == -1) {
			perror(argv[dir]);
			return (1);
		}
	}
	snprintf(d.title, sizeof d.title, "demo: %s -> %s", argv[0], argv[1]);
	snprintf(d.label[0], sizeof d.label[0], "client %s", argv[0]);
	snprintf(d.label[1], sizeof d.label[1], "server %s", argv[1]);
	src.snapshot = demo_snapshot;
	src.read = demo_read;
	src.http = demo_http;
	src.arg = &d;

	setlocale(LC_ALL, "");
	initscr();
	raw();
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(50);
	mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	ui_theme_init();
	pg = ui_pager_new(&src);
	for (;;) {
		draw(pg, &d);
		timeout(ui_pager_busy(pg) ? 0 : 500);
		r = wget_wch(stdscr, &code);
		if (r == ERR) {
			if (ui_pager_busy(pg))
				ui_pager_step(pg);
			else
				ui_pager_refresh(pg);
			continue;
		}
		if (ui_pager_key(pg, r == KEY_CODE_YES, code) == PAGER_CLOSE)
			break;
	}
	ui_pager_free(pg);
	endwin();
	free(d.runs);
	close(d.fd[0]);
	close(d.fd[1]);
	return (0);
}
