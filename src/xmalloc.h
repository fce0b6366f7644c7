/*
 * xmalloc.h: allocation that cannot fail silently.  Out of memory is fatal
 * (STYLE.md 12): the message names the size, the terminal is restored by the
 * registered hook (log.h), and the process exits 1.  Sizes are checked for
 * multiplication overflow.
 */
#ifndef FLOWSCOPE_XMALLOC_H
#define FLOWSCOPE_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *ptr, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
int	 xasprintf(char **ret, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif /* FLOWSCOPE_XMALLOC_H */
