/*
 * ui-theme.h: semantic colours.  Screens ask for a role, never a colour;
 * ui-theme.c maps roles to colour pairs and attributes, with a monochrome
 * scheme when the terminal has no colours or NO_COLOR is set (STYLE.md 31;
 * htop CRT_colorSchemes).  Needs curses.
 */
#ifndef FLOWSCOPE_UI_THEME_H
#define FLOWSCOPE_UI_THEME_H

#include <curses.h>

enum ui_role {
	UR_NORMAL = 0,
	UR_HEADER,		/* the top summary lines */
	UR_TITLE,		/* column titles */
	UR_SELECTED,		/* the cursor row */
	UR_MARKED,		/* rows marked with space */
	UR_NEW,			/* a connection that just appeared */
	UR_CLOSED,		/* one that just closed */
	UR_CLIENT,		/* bytes the client sent */
	UR_SERVER,		/* bytes the server sent */
	UR_RUNHEAD,		/* pager: header line of a run */
	UR_ESCAPE,		/* an escaped byte: \r \x1b */
	UR_HOLE,		/* [N bytes missing] */
	UR_MATCH,		/* search match */
	UR_STATUS,		/* bottom status/prompt line */
	UR_BARKEY,		/* function bar: key */
	UR_BARLABEL,		/* function bar: label */
	UR_WARN,		/* errors, drops, notices */
	UR_DIM,			/* secondary text */
	UR_NROLES
};

/* Set up colours (after initscr); honours NO_COLOR and has_colors(). */
void		 ui_theme_init(void);

/* The attributes (colour pair included) for a role. */
attr_t		 ui_theme_attr(enum ui_role role);

/* True when drawing in monochrome. */
int		 ui_theme_mono(void);

#endif /* FLOWSCOPE_UI_THEME_H */
