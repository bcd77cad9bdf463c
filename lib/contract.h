#ifndef LI_CONTRACT_H
#define LI_CONTRACT_H
/* The formats the tools hand each other (docs/contracts.md), written and
 * read in one place.  Every stream is CSV with one header line; a reader
 * finds its columns by header name, so a writer may add columns later
 * (tick lines will gain event_time) without breaking older readers, and a
 * column a reader does not know is ignored.
 *
 * Readers work on fields, as struct csvio_field: those of a csvio record
 * (lib/csvio.h), or those contract_split() cuts from one line.  Nothing
 * here prints; errors fill a caller's buffer with the reason alone ("bad
 * rows 'x'"); the caller adds the file and line. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "csvio.h"

/* The Kafka message header that carries the CSV header line of the rows
 * in a message (replay writes it, reduce reads it). */
#define CONTRACT_KAFKA_HEADER_KEY	"li.header"

/* Room for a time field: RFC 3339 with fractions of a second and a UTC
 * offset ("2026-12-03T12:40:05.123456789+05:30") fits. */
#define CONTRACT_TIME_MAX	40

/* ==== fields and columns ================================================ */

/* Split the line s (NUL-terminated; a final LF or CRLF is dropped) into at
 * most maxf RFC 4180 fields, unquoting quoted fields in place: f[i] point
 * into s, which is modified.  An empty line has no field (*nf = 0).
 * Returns 0, or -1 with errno EINVAL (a quote inside an unquoted field,
 * text after a closing quote, an unterminated quote) or E2BIG (more than
 * maxf fields). */
int contract_split(char *s, struct csvio_field *f, size_t maxf, size_t *nf);

/* Find each of names[0..n) in the header fields hdr[0..nf): idx[i] is its
 * index, or -1 when absent.  A name in the header twice is an error, and
 * so is an absent name whose bit (1u << i) is set in required.  Returns 0,
 * or -1 with err set ("no column 'time'", "column 'time' twice"). */
int contract_bind(const char *const *names, size_t n, unsigned required,
    const struct csvio_field *hdr, size_t nf, long *idx, char *err,
    size_t errlen);

/* ==== tick lines (reduce stdout -> render, alertd) ====================== */

/* The columns a tick line can have, in the order the writer puts them. */
enum contract_tick_col {
	CT_TICK,	/* tick number, from 1 */
	CT_TIME,	/* when the snapshot was written (RFC 3339) */
	CT_ROWS,	/* rows accepted so far */
	CT_REJECTED,	/* rows rejected so far */
	CT_LAG_S,	/* how far behind the input is, in seconds */
	CT_EVENT_TIME,	/* the newest row's own time (issue 13); may carry
			   a UTC offset: "2026-12-03T12:40:05+05:30" */
	CT_NCOLS,
};
extern const char *const contract_tick_names[CT_NCOLS];

/* The header reduce writes today, and the set of columns it names. */
#define CONTRACT_TICK_HEADER	"tick,time,rows,rejected,lag_s"
#define CONTRACT_TICK_COLS \
	((1u << CT_TICK) | (1u << CT_TIME) | (1u << CT_ROWS) | \
	 (1u << CT_REJECTED) | (1u << CT_LAG_S))
/* A reader needs these; the rest may be absent. */
#define CONTRACT_TICK_REQUIRED	((1u << CT_TICK) | (1u << CT_TIME))

/* One tick.  An unknown value is an empty field: have says which fields
 * were read (bit 1u << col); lag_s is NAN and event_time "" when unknown. */
struct contract_tick {
	uint64_t tick;
	char time[CONTRACT_TIME_MAX];
	uint64_t rows;
	uint64_t rejected;
	double lag_s;
	char event_time[CONTRACT_TIME_MAX];
	unsigned have;
};

/* Write the header naming the columns of the set cols (bits 1u << col,
 * e.g. CONTRACT_TICK_COLS, or with 1u << CT_EVENT_TIME), in column order,
 * with a final newline, to buf (capacity cap, NUL-terminated).  Returns
 * the length, or -1 when cap is too small. */
long contract_tick_header(unsigned cols, char *buf, size_t cap);

/* Write t as one line of the columns cols, with a final newline: lag_s
 * with one decimal, empty when NAN or beyond +-1e12 (what readers take);
 * rows and rejected empty unless have says they are known; times as they
 * are (quoted if they ever need it).
 * Returns the length, or -1 when cap is too small. */
long contract_tick_format(const struct contract_tick *t, unsigned cols,
    char *buf, size_t cap);

/* Reads tick lines by header name.  A header may come at any time (a new
 * writer on a FIFO starts with its own) and is bound anew.  A reader that
 * starts mid-stream and sees a tick before any header takes the default
 * header, CONTRACT_TICK_HEADER: the five columns in that order, anything
 * after them ignored (event_time is then unknown). */
struct contract_tick_reader {
	long idx[CT_NCOLS];	/* column of each field; -1: absent */
	size_t nf;		/* fields in the header */
	int from_header;	/* 0: the default is assumed */
};

/* Start with the default header. */
void contract_tick_reader_init(struct contract_tick_reader *r);

/* Take one record f[0..nf).  A record with a field "tick" is a header: it
 * is bound and 0 is returned (-1 with err set, and r unchanged, when it
 * has no "time" column or a column twice: "no column 'time'").  Any other is a tick: returns 1 with *t filled,
 * or -1 with err set ("3 fields, the header has 5", "bad tick 'x'", "bad
 * lag_s 'y'", "time longer than 39 bytes"); r is unchanged by a bad
 * tick. */
int contract_tick_read(struct contract_tick_reader *r,
    const struct csvio_field *f, size_t nf, struct contract_tick *t,
    char *err, size_t errlen);

/* ==== alert events (alertd -> stdout, hooks, render) ==================== */

enum contract_alert_col {
	CA_TIME,	/* RFC 3339 */
	CA_STATUS,	/* "firing" or "resolved" */
	CA_ALERT,	/* the rule's name */
	CA_SEVERITY,	/* "warning" or "critical" */
	CA_KEY,		/* what it is about; empty for a global rule */
	CA_VALUE,
	CA_MESSAGE,
	CA_NCOLS,
};
extern const char *const contract_alert_names[CA_NCOLS];

#define CONTRACT_ALERT_HEADER	"time,status,alert,severity,key,value,message"
/* A reader needs these; the rest read as empty when absent. */
#define CONTRACT_ALERT_REQUIRED \
	((1u << CA_TIME) | (1u << CA_STATUS) | (1u << CA_ALERT))

/* One event to write: NUL-terminated strings, borrowed; NULL is empty. */
struct contract_alert {
	const char *f[CA_NCOLS];
};

/* Write a as one CSV line (RFC 4180: a field with a comma, quote, CR or LF
 * is quoted, quotes doubled) with a final newline, to buf (capacity cap,
 * NUL-terminated).  Returns the length, or -1 when cap is too small. */
long contract_alert_format(const struct contract_alert *a, char *buf,
    size_t cap);

/* Write a to fp as contract_alert_format does.  Returns 0, or -1 on a
 * write error (errno set). */
int contract_alert_write(FILE *fp, const struct contract_alert *a);

/* Columns of an alert events stream, bound by header name. */
struct contract_alert_reader {
	long idx[CA_NCOLS];
	size_t nf;
};

/* Bind the header hdr[0..nf).  Returns 0, or -1 with err set ("not alert
 * events: no column 'status'"). */
int contract_alert_bind(struct contract_alert_reader *r,
    const struct csvio_field *hdr, size_t nf, char *err, size_t errlen);

/* The fields of the event f[0..nf), in column order (out[CA_KEY] and so
 * on); an absent column is empty.  out points into f.  Returns 0, or -1
 * with err set when nf is not the header's count. */
int contract_alert_get(const struct contract_alert_reader *r,
    const struct csvio_field *f, size_t nf, struct csvio_field *out,
    char *err, size_t errlen);

/* ==== active alerts (alertd --state FILE -> render, cron) =============== */

/* The set of alerts firing now, one row per (alert, key), most severe
 * first, replaced atomically by alertd at every change.  A restarted alertd
 * reads it back, so it announces nothing that is still firing. */
enum contract_active_col {
	CX_ALERT,	/* the rule's name */
	CX_KEY,		/* what it is about; empty for a global rule */
	CX_SEVERITY,	/* "warning" or "critical" */
	CX_SINCE,	/* when it started firing (RFC 3339 with offset) */
	CX_VALUE,	/* the value that fired it, as last seen */
	CX_THRESHOLD,	/* the threshold it crossed, as a number */
	CX_MESSAGE,
	CX_NCOLS,
};
extern const char *const contract_active_names[CX_NCOLS];

#define CONTRACT_ACTIVE_HEADER \
	"alert,key,severity,since,value,threshold,message"
#define CONTRACT_ACTIVE_REQUIRED \
	((1u << CX_ALERT) | (1u << CX_KEY) | (1u << CX_SEVERITY) | \
	 (1u << CX_SINCE))

/* ==== any of the row formats above ====================================== */

/* Write the n fields f[0..n) (NUL-terminated, borrowed; NULL is empty) as
 * one CSV line, as contract_alert_format and contract_alert_write do: to
 * buf (returns the length, or -1 when cap is too small) or to fp (returns
 * 0, or -1 on a write error). */
long contract_row_format(const char *const *f, size_t n, char *buf,
    size_t cap);
int contract_row_write(FILE *fp, const char *const *f, size_t n);

/* Columns of a stream bound by header name: contract_row_bind binds the
 * header hdr[0..nf) to names[0..n) (n <= 16) with contract_bind; what
 * says what the stream is, for the error ("not active alerts: no column
 * 'since'").  contract_row_get gives the fields of one record in column
 * order, empty where a column is absent, as contract_alert_get.  Both
 * return 0, or -1 with err set. */
struct contract_row_reader {
	long idx[16];
	size_t n, nf;
};
int contract_row_bind(struct contract_row_reader *r, const char *what,
    const char *const *names, size_t n, unsigned required,
    const struct csvio_field *hdr, size_t nf, char *err, size_t errlen);
int contract_row_get(const struct contract_row_reader *r,
    const struct csvio_field *f, size_t nf, struct csvio_field *out,
    char *err, size_t errlen);

/* ==== system samples (sysheat -> alertd, render) ======================== */

enum contract_sample_col {
	CS_TIME,
	CS_CPU_TEMP,		/* degrees Celsius */
	CS_GPU_TEMP,
	CS_CPU_PCT,		/* 0-100 */
	CS_MEM_PCT,
	CS_DISK_PCT,
	CS_NET_RX_BYTES_S,	/* bytes per second */
	CS_NET_TX_BYTES_S,
	CS_NCOLS,
};
extern const char *const contract_sample_names[CS_NCOLS];

/* A sample field that is empty is unknown: the device is there but could
 * not be read (UNKNOWN to a check).  This value says the device is not
 * present at all (no GPU, no sensor chip): a rule on it does not apply. */
#define CONTRACT_SAMPLE_ABSENT	"-"

#define CONTRACT_SAMPLE_HEADER \
	"time,cpu_temp,gpu_temp,cpu_pct,mem_pct,disk_pct,net_rx_bytes_s," \
	"net_tx_bytes_s"

#endif
