/*
 * "Did you mean ...?" for unknown keys: the closest sibling name at the same
 * level of the schema, or else the closest full key path, by optimal string
 * alignment distance (edits plus adjacent transpositions).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/config/schema.h"

#define SUGGEST_MAX_DISTANCE 2
#define SUGGEST_MAX_LEN 128

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* Optimal string alignment distance between a[0..na) and b[0..nb). */
static size_t osa_distance(const char *a, size_t na, const char *b, size_t nb)
{
	/* Distances never exceed SUGGEST_MAX_LEN, so a byte each suffices. */
	unsigned char d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];

	if (na > SUGGEST_MAX_LEN || nb > SUGGEST_MAX_LEN)
		return SIZE_MAX;
	for (size_t i = 0; i <= na; i++)
		d[i][0] = (unsigned char)i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = (unsigned char)j;
	for (size_t i = 1; i <= na; i++) {
		for (size_t j = 1; j <= nb; j++) {
			size_t cost = a[i - 1] != b[j - 1];

			size_t v = min3(d[i - 1][j] + 1u, d[i][j - 1] + 1u,
					d[i - 1][j - 1] + cost);

			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1u < v)
				v = d[i - 2][j - 2] + 1u;
			d[i][j] = (unsigned char)v;
		}
	}
	return d[na][nb];
}

/* Length of the first component of `s` (up to the next '.'). */
static size_t component_len(const char *s)
{
	const char *dot = strchr(s, '.');

	return dot ? (size_t)(dot - s) : strlen(s);
}

/* Best child name of the mapping `path[0..plen)` for `leaf`. */
static const char *closest_sibling(const char *path, size_t plen,
				   const char *leaf, size_t *best_len)
{
	size_t n, best = SIZE_MAX, nleaf = strlen(leaf);
	const struct s2sim_cfg_key *k = s2sim_cfg_schema(&n);
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *child = k[i].path;
		size_t len, dist;

		if (plen) {
			if (strncmp(child, path, plen) || child[plen] != '.')
				continue;
			child += plen + 1;
		}
		len = component_len(child);
		dist = osa_distance(leaf, nleaf, child, len);
		if (dist < best) {
			best = dist;
			found = child;
			*best_len = len;
		}
	}
	if (best > SUGGEST_MAX_DISTANCE || best >= nleaf)
		return NULL;
	return found;
}

static const char *closest_key(const char *path)
{
	size_t n, best = SIZE_MAX;
	const struct s2sim_cfg_key *k = s2sim_cfg_schema(&n);
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t dist = osa_distance(path, strlen(path), k[i].path,
					   strlen(k[i].path));

		if (dist < best) {
			best = dist;
			found = k[i].path;
		}
	}
	return best <= SUGGEST_MAX_DISTANCE ? found : NULL;
}

const char *s2sim_cfg_suggest(const char *path, char *buf, size_t n)
{
	const char *dot = strrchr(path, '.');
	size_t plen = dot ? (size_t)(dot - path) : 0;
	const char *leaf = dot ? dot + 1 : path;
	size_t len = 0;
	const char *child = NULL;

	if (!plen || s2sim_cfg_is_section_n(path, plen))
		child = closest_sibling(path, plen, leaf, &len);
	if (child) {
		snprintf(buf, n, "%.*s%s%.*s", (int)plen, path, plen ? "." : "",
			 (int)len, child);
		return buf;
	}
	child = closest_key(path);
	if (!child)
		return NULL;
	snprintf(buf, n, "%s", child);
	return buf;
}
