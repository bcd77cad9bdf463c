/* libsensors: pick and read the CPU and GPU temperature inputs. */
#include "hwsens.h"

#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sensors/error.h>
#include <sensors/sensors.h>

#include "csvio.h"

struct hw_cand {
	const sensors_chip_name *chip;	/* owned by libsensors */
	int nr;				/* subfeature number of the input */
	enum hw_role role;
	int rank;
};

static const char *const gpu_chips[] = { "amdgpu", "radeon", "nouveau" };
static const char *const pkg_chips[] = { "k10temp", "zenpower" };
/* Temperatures that are not the CPU's even when nothing better exists. */
static const char *const not_cpu[] = { "nvme", "drivetemp", "iwlwifi" };

static int
in_list(const char *s, const char *const *list, size_t n, int prefix)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (prefix ? strncmp(s, list[i], strlen(list[i])) == 0 :
		    strcmp(s, list[i]) == 0)
			return 1;
	}
	return 0;
}

enum hw_role
hw_classify(const char *prefix, const char *label, int *rank)
{
	if (label == NULL)
		label = "";
	if (in_list(prefix, gpu_chips, 3, 0)) {
		*rank = strcmp(label, "edge") == 0 ? 0 : 1;
		return HW_GPU;
	}
	if (in_list(prefix, pkg_chips, 2, 0)) {
		if (strcmp(label, "Tdie") == 0)
			*rank = 0;
		else if (strcmp(label, "Tctl") == 0)
			*rank = 1;
		else
			*rank = 2;
		return HW_CPU;
	}
	if (strcmp(prefix, "coretemp") == 0) {
		*rank = strncmp(label, "Package id ", 11) == 0 ||
		    strncmp(label, "Physical id ", 12) == 0 ? 0 : 2;
		return HW_CPU;
	}
	if (in_list(prefix, not_cpu, 3, 1)) {
		*rank = 0;
		return HW_NONE;
	}
	*rank = 3;
	return HW_CPU;
}

/* libsensors calls this on out-of-memory and must not return. */
static void
hw_fatal(const char *proc, const char *msg)
{
	errx(1, "libsensors: %s: %s", proc, msg);
}

/* Keep configuration parse errors off stderr: sensors_init's return says
 * enough, and -v reports it. */
static char hw_parse_msg[160];

static void
hw_parse_error(const char *msg, const char *file, int lineno)
{
	size_t n;

	if (hw_parse_msg[0] != '\0')
		return;
	snprintf(hw_parse_msg, sizeof(hw_parse_msg), "%s:%d: %s",
	    file != NULL ? file : "config", lineno, msg);
	/* Our diagnostics end without a period. */
	n = strlen(hw_parse_msg);
	if (n > 0 && hw_parse_msg[n - 1] == '.')
		hw_parse_msg[n - 1] = '\0';
}

static void
hw_parse_error_old(const char *msg, int lineno)
{
	hw_parse_error(msg, NULL, lineno);
}

int
hw_open(struct hw *h, char *errstr, size_t errlen)
{
	const sensors_chip_name *chip;
	const sensors_feature *f;
	const sensors_subfeature *sf;
	struct hw_cand *c;
	size_t cap = 0;
	int cn = 0, fn, rank, r;
	enum hw_role role;
	char *label;

	memset(h, 0, sizeof(*h));
	h->best[HW_NONE] = h->best[HW_CPU] = h->best[HW_GPU] = -1;
	sensors_fatal_error = hw_fatal;
	sensors_parse_error = hw_parse_error_old;
	sensors_parse_error_wfn = hw_parse_error;
	if ((r = sensors_init(NULL)) != 0) {
		snprintf(errstr, errlen, "libsensors: %s%s%s",
		    sensors_strerror(r), hw_parse_msg[0] ? ": " : "",
		    hw_parse_msg);
		return -1;
	}
	h->inited = 1;
	while ((chip = sensors_get_detected_chips(NULL, &cn)) != NULL) {
		fn = 0;
		while ((f = sensors_get_features(chip, &fn)) != NULL) {
			if (f->type != SENSORS_FEATURE_TEMP)
				continue;
			sf = sensors_get_subfeature(chip, f,
			    SENSORS_SUBFEATURE_TEMP_INPUT);
			if (sf == NULL || !(sf->flags & SENSORS_MODE_R))
				continue;
			label = sensors_get_label(chip, f);
			role = hw_classify(chip->prefix, label, &rank);
			free(label);
			if (role == HW_NONE)
				continue;
			if (h->ncand == cap) {
				cap = cap ? cap * 2 : 8;
				c = reallocarray(h->cand, cap, sizeof(*c));
				if (c == NULL)
					err(1, "libsensors");
				h->cand = c;
			}
			c = &h->cand[h->ncand++];
			c->chip = chip;
			c->nr = sf->number;
			c->role = role;
			c->rank = rank;
			if (h->best[role] == -1 || rank < h->best[role])
				h->best[role] = rank;
		}
	}
	if (hw_parse_msg[0] != '\0') {
		snprintf(errstr, errlen, "libsensors: %s", hw_parse_msg);
		return 1;
	}
	return 0;
}

void
hw_read(struct hw *h, double *cpu, double *gpu)
{
	double v, out[HW_NROLES] = { NAN, NAN, NAN };
	size_t i;

	for (i = 0; i < h->ncand; i++) {
		struct hw_cand *c = &h->cand[i];

		if (c->rank != h->best[c->role])
			continue;
		if (sensors_get_value(c->chip, c->nr, &v) != 0 || !isfinite(v))
			continue;
		if (isnan(out[c->role]) || v > out[c->role])
			out[c->role] = v;
	}
	*cpu = out[HW_CPU];
	*gpu = out[HW_GPU];
}

static const char *
hw_type_name(sensors_feature_type t)
{
	switch (t) {
	case SENSORS_FEATURE_IN:	return "in";
	case SENSORS_FEATURE_FAN:	return "fan";
	case SENSORS_FEATURE_TEMP:	return "temp";
	case SENSORS_FEATURE_POWER:	return "power";
	case SENSORS_FEATURE_ENERGY:	return "energy";
	case SENSORS_FEATURE_CURR:	return "curr";
	case SENSORS_FEATURE_HUMIDITY:	return "humidity";
	case SENSORS_FEATURE_VID:	return "vid";
	case SENSORS_FEATURE_INTRUSION:	return "intrusion";
	case SENSORS_FEATURE_BEEP_ENABLE: return "beep_enable";
	default:			return "unknown";
	}
}

/* Which role, if any, sysheat reads this input for. */
static const char *
hw_use(const struct hw *h, const sensors_chip_name *chip, int nr)
{
	size_t i;

	for (i = 0; i < h->ncand; i++) {
		const struct hw_cand *c = &h->cand[i];

		if (c->chip == chip && c->nr == nr &&
		    c->rank == h->best[c->role])
			return c->role == HW_CPU ? "cpu" : "gpu";
	}
	return "";
}

/* Append a CSV field to row, after a comma unless it is the first. */
static int
hw_put_field(char *row, size_t cap, size_t *len, const char *s)
{
	if (*len > 0) {
		if (*len + 1 > cap)
			return -1;
		row[(*len)++] = ',';
	}
	return csvio_append_field(row, cap, len, s, strlen(s), ',');
}

/* The main input of a feature: its first subfeature (temp1_input for
 * temp1), else any readable one.  NULL when there is none. */
static const sensors_subfeature *
hw_main_input(const sensors_chip_name *chip, const sensors_feature *f)
{
	const sensors_subfeature *sf;
	int sn = 0;

	sf = sensors_get_subfeature(chip, f,
	    (sensors_subfeature_type)(f->type << 8));
	if (sf != NULL && (sf->flags & SENSORS_MODE_R))
		return sf;
	while ((sf = sensors_get_all_subfeatures(chip, f, &sn)) != NULL)
		if (sf->flags & SENSORS_MODE_R)
			return sf;
	return NULL;
}

/* Write one --list row.  Returns 0, or -1 on a write error. */
static int
hw_list_feature(struct hw *h, const sensors_chip_name *chip,
    const char *name, const sensors_feature *f, FILE *fp)
{
	const sensors_subfeature *sf;
	const char *use = "";
	char row[2048], num[64] = "", *label;
	size_t len = 0;
	double v;
	int bad;

	if ((sf = hw_main_input(chip, f)) != NULL) {
		if (sensors_get_value(chip, sf->number, &v) == 0 &&
		    isfinite(v))
			snprintf(num, sizeof(num), "%.3f", v);
		use = hw_use(h, chip, sf->number);
	}
	label = sensors_get_label(chip, f);
	bad = hw_put_field(row, sizeof(row), &len, name) == -1 ||
	    hw_put_field(row, sizeof(row), &len, f->name) == -1 ||
	    hw_put_field(row, sizeof(row), &len,
	    label != NULL ? label : "") == -1 ||
	    hw_put_field(row, sizeof(row), &len, hw_type_name(f->type)) ==
	    -1 ||
	    hw_put_field(row, sizeof(row), &len, num) == -1 ||
	    hw_put_field(row, sizeof(row), &len, use) == -1 ||
	    len + 1 > sizeof(row);
	free(label);
	if (bad) {
		warnx("list: %s: %s: label too long, skipped", name, f->name);
		return 0;
	}
	row[len++] = '\n';
	return fwrite(row, 1, len, fp) == len ? 0 : -1;
}

int
hw_list(struct hw *h, FILE *fp)
{
	const sensors_chip_name *chip;
	const sensors_feature *f;
	char name[256];
	int cn = 0, fn;

	if (!h->inited)
		return 0;
	while ((chip = sensors_get_detected_chips(NULL, &cn)) != NULL) {
		if (sensors_snprintf_chip_name(name, sizeof(name), chip) < 0)
			snprintf(name, sizeof(name), "%s", chip->prefix);
		fn = 0;
		while ((f = sensors_get_features(chip, &fn)) != NULL)
			if (hw_list_feature(h, chip, name, f, fp) == -1)
				return -1;
	}
	return 0;
}

void
hw_close(struct hw *h)
{
	free(h->cand);
	if (h->inited)
		sensors_cleanup();
	memset(h, 0, sizeof(*h));
}
