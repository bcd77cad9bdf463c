#ifndef RENDER_TERM_H
#define RENDER_TERM_H
/* The terminal of a live dashboard: its size, the escapes that take it
 * and put it back, a raw keyboard for 'q', and Ctrl-Z. */
#include <termios.h>

/* The most cells render draws in (width x height): a frame of more would
 * cost memory and time for nothing a terminal shows. */
#define RENDER_MAX_CELLS	1000000

/* The terminal's size: COLUMNS/LINES, then TIOCGWINSZ on fd when it is a
 * terminal, else 80x24. */
void term_size(int fd, int *w, int *h);

/* Cut *h so that *w x *h is at most RENDER_MAX_CELLS. */
void term_cap(int w, int *h);

/* What the dashboard did to the terminal, so that it can be undone. */
struct term {
	int live;		/* escapes sent: restore at the end */
	int alt;		/* on the alternate screen */
	int kbd;		/* fd of a keyboard put in raw mode, or -1 */
	struct termios saved;	/* its mode before */
};

/* No escapes sent, no keyboard. */
void term_init(struct term *t);

/* Hide the cursor and take the screen: the alternate one, or lines blank
 * lines that scroll what is there into the scrollback. */
void term_start(struct term *t, int alt_screen, int lines);

/* Put the keyboard fd in raw mode, so that 'q' quits without Enter.
 * Returns 1 when it is, 0 when it cannot be. */
int term_keyboard(struct term *t, int fd);

/* Put the terminal back: attributes reset, cursor shown, keyboard in its
 * old mode, the cursor below the last frame.  Safe to call twice. */
void term_restore(struct term *t);

/* Catch SIGTSTP (Ctrl-Z); term_tstp_pending() says one came (and
 * forgets it). */
void term_catch_tstp(void);
int term_tstp_pending(void);

/* Ctrl-Z: put the terminal back and stop; when continued, take it again
 * (the caller redraws the whole screen). */
void term_suspend(struct term *t);

#endif
