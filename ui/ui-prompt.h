/*
 * ui-prompt.h: a one-line text editor for the status line (filter, search,
 * jump, save directory).  Holds at most UI_PROMPT_MAX bytes of UTF-8; keys
 * come from wget_wch() as (is_key, code): is_key for KEY_* codes, else a
 * wide character.  Editing keys: Left/Right, Home/End (^A/^E), Backspace,
 * ^U (kill line), ^W (kill word), Enter, Esc/^G (cancel).
 */
#ifndef FLOWSCOPE_UI_PROMPT_H
#define FLOWSCOPE_UI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#define UI_PROMPT_MAX	256

enum ui_prompt_result {
	PROMPT_EDITING = 0,	/* still editing; the text may have changed */
	PROMPT_DONE,		/* Enter */
	PROMPT_CANCEL		/* Esc, ^G, ^C */
};

struct ui_prompt {
	const char	*label;		/* "/", "filter: " ... (static) */
	wchar_t		 text[UI_PROMPT_MAX];
	size_t		 len;		/* characters in text */
	size_t		 pos;		/* cursor, 0..len */
	bool		 active;
	bool		 changed;	/* the last key changed the text */
};

/* Start editing with initial (UTF-8, may be NULL). */
void		 ui_prompt_start(struct ui_prompt *p, const char *label,
		    const char *initial);

/* Feed one key. */
enum ui_prompt_result ui_prompt_key(struct ui_prompt *p, bool is_key,
		    wint_t code);

/* The text as UTF-8 into buf (always NUL-terminated). */
void		 ui_prompt_text(const struct ui_prompt *p, char *buf,
		    size_t len);

/* Draw label and text on screen row y, cols wide, and place the cursor. */
void		 ui_prompt_draw(const struct ui_prompt *p, int y, int cols);

#endif /* FLOWSCOPE_UI_PROMPT_H */
