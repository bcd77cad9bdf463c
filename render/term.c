/* The terminal of a live dashboard: see term.h. */
#include "term.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "canvas.h"
#include "util.h"

void
term_size(int fd, int *w, int *h)
{
	struct winsize ws;
	long long v;
	const char *e;

	*w = 80;
	*h = 24;
	if ((e = getenv("COLUMNS")) && parse_long(e, 1, 10000, &v) == 0)
		*w = (int)v;
	if ((e = getenv("LINES")) && parse_long(e, 1, 10000, &v) == 0)
		*h = (int)v;
	if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 &&
	    ws.ws_row > 0) {
		*w = ws.ws_col;
		*h = ws.ws_row;
	}
}

void
term_cap(int w, int *h)
{
	if (w > 0 && (long)w * *h > RENDER_MAX_CELLS)
		*h = RENDER_MAX_CELLS / w;
}

void
term_init(struct term *t)
{
	memset(t, 0, sizeof(*t));
	t->kbd = -1;
}

void
term_restore(struct term *t)
{
	static const char plain[] = "\033[0m\033[?25h\r\n";
	static const char alt[] = "\033[0m\033[?25h\033[?1049l";

	if (t->kbd >= 0) {
		tcsetattr(t->kbd, TCSANOW, &t->saved);
		t->kbd = -1;
	}
	if (!t->live)
		return;
	t->live = 0;
	if (t->alt)
		(void)writeall(STDOUT_FILENO, alt, sizeof(alt) - 1);
	else
		(void)writeall(STDOUT_FILENO, plain, sizeof(plain) - 1);
}

void
term_start(struct term *t, int alt_screen, int lines)
{
	struct strbuf b = { 0 };
	int i;

	t->alt = alt_screen;
	t->live = 1;
	if (alt_screen)
		sb_add(&b, "\033[?1049h", 8);
	else	/* scroll what is on the screen up into the scrollback */
		for (i = 0; i < lines - 1; i++)
			sb_add(&b, "\n", 1);
	sb_add(&b, "\033[?25l\033[H", 9);
	(void)writeall(STDOUT_FILENO, b.p, b.len);
	sb_free(&b);
}

/* A signal handler can only set a flag: this one is file-level, as
 * sig_stop and sig_winch are in lib/util. */
static volatile sig_atomic_t tstp_seen;

static void
on_tstp(int sig)
{
	(void)sig;
	tstp_seen = 1;
}

void
term_catch_tstp(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tstp;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTSTP, &sa, NULL);
}

int
term_tstp_pending(void)
{
	if (!tstp_seen)
		return 0;
	tstp_seen = 0;
	return 1;
}

int
term_keyboard(struct term *t, int fd)
{
	struct termios raw;

	if (tcgetattr(fd, &t->saved) == -1)
		return 0;
	raw = t->saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &raw) != 0)
		return 0;
	t->kbd = fd;
	return 1;
}

void
term_suspend(struct term *t)
{
	int kbd = t->kbd;
	static const char show[] = "\033[0m\033[?25h";

	if (kbd >= 0) {
		tcsetattr(kbd, TCSANOW, &t->saved);
		t->kbd = -1;
	}
	(void)writeall(STDOUT_FILENO, show, sizeof(show) - 1);
	if (t->alt)
		(void)writeall(STDOUT_FILENO, "\033[?1049l", 8);
	signal(SIGTSTP, SIG_DFL);
	raise(SIGTSTP);		/* stops here until SIGCONT */
	term_catch_tstp();
	if (kbd >= 0 && tcgetpgrp(kbd) == getpgrp())
		(void)term_keyboard(t, kbd);
	if (t->alt)
		(void)writeall(STDOUT_FILENO, "\033[?1049h", 8);
	(void)writeall(STDOUT_FILENO, "\033[?25l\033[H\033[2J", 13);
}
