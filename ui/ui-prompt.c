/*
 * ui-prompt.c: the one-line editor of the status line; see ui-prompt.h.
 * Text is kept as wide characters so the cursor moves by character; only
 * printable characters are accepted, so nothing typed can draw a control
 * sequence either.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ui-prompt.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "ui-theme.h"

#define CTRL_KEY(c)	((c) & 0x1f)

void
ui_prompt_start(struct ui_prompt *p, const char *label, const char *initial)
{
	mbstate_t ps;
	const char *s = initial;
	size_t n = 0;

	memset(p, 0, sizeof *p);
	p->label = label;
	p->active = true;
	if (s != NULL) {
		memset(&ps, 0, sizeof ps);
		n = mbsrtowcs(p->text, &s, UI_PROMPT_MAX - 1, &ps);
		if (n == (size_t)-1)
			n = 0;
	}
	p->len = p->pos = n;
	p->text[n] = L'\0';
}

static void
prompt_delete(struct ui_prompt *p, size_t from, size_t to)
{
	if (from >= to)
		return;
	memmove(&p->text[from], &p->text[to], (p->len - to) * sizeof(wchar_t));
	p->len -= to - from;
	p->pos = from;
	p->text[p->len] = L'\0';
	p->changed = true;
}

enum ui_prompt_result
ui_prompt_key(struct ui_prompt *p, bool is_key, wint_t code)
{
	size_t w;

	p->changed = false;
	if (is_key) {
		switch (code) {
		case KEY_LEFT:
			if (p->pos > 0)
				p->pos--;
			break;
		case KEY_RIGHT:
			if (p->pos < p->len)
				p->pos++;
			break;
		case KEY_HOME:
			p->pos = 0;
			break;
		case KEY_END:
			p->pos = p->len;
			break;
		case KEY_BACKSPACE:
			if (p->pos > 0)
				prompt_delete(p, p->pos - 1, p->pos);
			break;
		case KEY_DC:
			if (p->pos < p->len)
				prompt_delete(p, p->pos, p->pos + 1);
			break;
		case KEY_ENTER:
			p->active = false;
			return (PROMPT_DONE);
		default:
			break;
		}
		return (PROMPT_EDITING);
	}
	switch (code) {
	case L'\n':
	case L'\r':
		p->active = false;
		return (PROMPT_DONE);
	case 0x1b:
	case CTRL_KEY('g'):
	case CTRL_KEY('c'):
		p->active = false;
		return (PROMPT_CANCEL);
	case CTRL_KEY('a'):
		p->pos = 0;
		return (PROMPT_EDITING);
	case CTRL_KEY('e'):
		p->pos = p->len;
		return (PROMPT_EDITING);
	case CTRL_KEY('h'):
	case 0x7f:
		if (p->pos > 0)
			prompt_delete(p, p->pos - 1, p->pos);
		return (PROMPT_EDITING);
	case CTRL_KEY('u'):
		prompt_delete(p, 0, p->pos);
		return (PROMPT_EDITING);
	case CTRL_KEY('w'):
		w = p->pos;
		while (w > 0 && p->text[w - 1] == L' ')
			w--;
		while (w > 0 && p->text[w - 1] != L' ')
			w--;
		prompt_delete(p, w, p->pos);
		return (PROMPT_EDITING);
	default:
		break;
	}
	if (!iswprint(code) || wcwidth((wchar_t)code) < 1 ||
	    p->len + 1 >= UI_PROMPT_MAX)
		return (PROMPT_EDITING);
	memmove(&p->text[p->pos + 1], &p->text[p->pos],
	    (p->len - p->pos) * sizeof(wchar_t));
	p->text[p->pos++] = (wchar_t)code;
	p->text[++p->len] = L'\0';
	p->changed = true;
	return (PROMPT_EDITING);
}

void
ui_prompt_text(const struct ui_prompt *p, char *buf, size_t len)
{
	mbstate_t ps;
	const wchar_t *s = p->text;
	size_t n;

	if (len == 0)
		return;
	memset(&ps, 0, sizeof ps);
	n = wcsrtombs(buf, &s, len - 1, &ps);
	if (n == (size_t)-1)
		n = 0;
	buf[n] = '\0';
}

void
ui_prompt_draw(const struct ui_prompt *p, int y, int cols)
{
	int lw = p->label != NULL ? (int)strlen(p->label) : 0;
	int room, x;
	size_t first = 0, i;

	if (cols <= 0)
		return;
	attrset(ui_theme_attr(UR_NORMAL));
	move(y, 0);
	clrtoeol();
	if (lw > cols - 2)
		lw = cols - 2 > 0 ? cols - 2 : 0;
	if (lw > 0)
		addnstr(p->label, lw);
	room = cols - lw - 1;
	if (room < 1)
		return;
	/* Scroll so the cursor stays in view. */
	if (p->pos > (size_t)room)
		first = p->pos - (size_t)room;
	x = lw;
	for (i = first; i < p->len && x < cols - 1; i++) {
		int cw = wcwidth(p->text[i]);

		if (cw < 1 || x + cw > cols - 1)
			break;
		mvaddnwstr(y, x, &p->text[i], 1);
		x += cw;
	}
	x = lw;
	for (i = first; i < p->pos; i++)
		x += wcwidth(p->text[i]) > 0 ? wcwidth(p->text[i]) : 1;
	move(y, x < cols ? x : cols - 1);
}
