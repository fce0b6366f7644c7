/*
 * ui-keys.h: key binding tables.  Each screen has one const table; the same
 * table dispatches keys, generates the help screen and the function bar
 * (STYLE.md 30; htop Action_setBindings, tmux key tables).
 */
#ifndef FLOWSCOPE_UI_KEYS_H
#define FLOWSCOPE_UI_KEYS_H

#include <stddef.h>

struct ui_key {
	int		 key;		/* a character or a curses KEY_* */
	int		 action;	/* the screen's own action enum */
	const char	*name;		/* as shown: "j", "Down", "F3" */
	const char	*help;		/* one line for the help screen */
	const char	*bar;		/* function-bar label, NULL: not there */
};

/* The action bound to key in a table of n entries, or -1. */
int		 ui_keys_find(const struct ui_key *t, size_t n, int key);

#endif /* FLOWSCOPE_UI_KEYS_H */
