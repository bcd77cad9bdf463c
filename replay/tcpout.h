#ifndef REPLAY_TCPOUT_H
#define REPLAY_TCPOUT_H
/* Serving the stream to TCP clients (--listen): several at once, each with
 * its own bounded queue, on non-blocking sockets driven by poll(2), so that
 * a client that reads slowly or not at all never holds up the others.
 *
 * Each client gets the header first, then every row from the moment it
 * joined.  With no client connected the stream waits for one.  A row is
 * queued for every client; a client whose queue would pass the bound is
 * behind: when the rows are paced (--rate, --speedup) it is dropped at
 * once, and when they are not (the stream goes as fast as its readers take
 * it) the stream waits for room, dropping a client that takes nothing for
 * TCPOUT_STALL_S seconds.  Connections past the limit are accepted and
 * closed at once.  Diagnostics are printed here (warnx). */
#include <stddef.h>

#define TCPOUT_STALL_S		2	/* unpaced: seconds a full client may
					   take nothing before it is dropped */
#define TCPOUT_BUFFER		(1024 * 1024)	/* default queue bound */
#define TCPOUT_MAX_CLIENTS	64	/* default limit */
#define TCPOUT_CLIENTS_LIMIT	512	/* largest --max-clients */
#define TCPOUT_SNDBUF		(256 * 1024)	/* SO_SNDBUF of each client */

struct tcpout_conf {
	const char *hostport;	/* HOST:PORT, HOST may be empty or [v6] */
	size_t client_buffer;	/* bytes queued per client at most */
	int max_clients;
	int paced;		/* rows are paced: drop a full client at once */
	int verbose, quiet;
};

struct tcpout_stats {
	unsigned long long served;	/* clients accepted */
	unsigned long long left;	/* ... that went away by themselves */
	unsigned long long dropped;	/* ... dropped for falling behind */
	unsigned long long refused;	/* connections past the limit */
};

struct tcpout;

/* Bind and listen.  NULL on failure (printed). */
struct tcpout *tcpout_new(const struct tcpout_conf *c);
/* The header each new client gets first (borrowed; NULL: none). */
void tcpout_header(struct tcpout *t, const char *hdr, size_t len);
/* Wait for the first client.  0, 1 (a stop signal) or -1 (printed). */
int tcpout_start(struct tcpout *t);
/* Queue one record (without its line break) for every client, waiting for
 * a client when there is none.  0, 1 or -1. */
int tcpout_send(struct tcpout *t, const char *rec, size_t len);
/* Serve the clients for sec seconds (less when a signal arrives).  0. */
int tcpout_wait(struct tcpout *t, double sec);
/* Serve the clients until fd (an input) is readable or at its end.  0, 1
 * (a stop signal) or -1 (printed).  Clients that connect before
 * tcpout_start wait in the backlog. */
int tcpout_wait_fd(struct tcpout *t, int fd);
/* 1 once after the stream waited for a client mid-stream. */
int tcpout_took_client(struct tcpout *t);
/* Stop listening, send what is queued (for at most TCPOUT_STALL_S without
 * progress, or half a second after a stop signal), close each client
 * gracefully.  0. */
int tcpout_finish(struct tcpout *t);
void tcpout_stats(const struct tcpout *t, struct tcpout_stats *st);
void tcpout_free(struct tcpout *t);

#endif
