/*
 * ui-theme.c: the colour scheme behind the semantic roles; see ui-theme.h.
 *
 * Two schemes: colour (pairs on the terminal's default background, so a
 * light or dark terminal both stay readable) and monochrome (bold, reverse,
 * underline only), used without colours and when NO_COLOR is set
 * (https://no-color.org).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-theme.h"

#include <stdlib.h>

struct role_style {
	short	 fg;		/* -1: default */
	short	 bg;
	attr_t	 attr;		/* added to the pair */
	attr_t	 mono;		/* the monochrome attributes */
};

static const struct role_style styles[UR_NROLES] = {
	[UR_NORMAL]	= { -1, -1, A_NORMAL, A_NORMAL },
	[UR_HEADER]	= { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[UR_TITLE]	= { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE },
	[UR_SELECTED]	= { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[UR_MARKED]	= { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[UR_NEW]	= { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[UR_CLOSED]	= { COLOR_RED, -1, A_NORMAL, A_DIM },
	[UR_CLIENT]	= { COLOR_BLUE, -1, A_BOLD, A_NORMAL },
	[UR_SERVER]	= { COLOR_RED, -1, A_NORMAL, A_BOLD },
	[UR_RUNHEAD]	= { COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE },
	[UR_ESCAPE]	= { COLOR_MAGENTA, -1, A_NORMAL, A_UNDERLINE },
	[UR_HOLE]	= { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE },
	[UR_MATCH]	= { COLOR_BLACK, COLOR_YELLOW, A_NORMAL,
			    A_REVERSE | A_BOLD },
	[UR_STATUS]	= { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[UR_BARKEY]	= { -1, -1, A_BOLD, A_BOLD },
	[UR_BARLABEL]	= { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[UR_WARN]	= { COLOR_RED, -1, A_BOLD, A_BOLD },
	[UR_DIM]	= { -1, -1, A_DIM, A_DIM },
};

static int theme_is_mono = 1;

void
ui_theme_init(void)
{
	const char *nc = getenv("NO_COLOR");
	int i;

	theme_is_mono = 1;
	if ((nc != NULL && *nc != '\0') || !has_colors())
		return;
	if (start_color() == ERR)
		return;
	use_default_colors();
	for (i = 1; i < UR_NROLES; i++)
		init_pair((short)i, styles[i].fg, styles[i].bg);
	theme_is_mono = 0;
}

attr_t
ui_theme_attr(enum ui_role role)
{
	if ((unsigned)role >= UR_NROLES)
		role = UR_NORMAL;
	if (theme_is_mono)
		return (styles[role].mono);
	if (role == UR_NORMAL)
		return (A_NORMAL);
	return (COLOR_PAIR(role) | styles[role].attr);
}

int
ui_theme_mono(void)
{
	return (theme_is_mono);
}
