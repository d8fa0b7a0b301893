/*
 * The generic TLB: geometry, lookup with mixed page sizes and conflict
 * detection, and insertion.  Replacement is in tlb_repl.c, the fully
 * associative hash index in tlb_index.c, the overlap marks that tell a
 * lookup when a conflict is possible in tlb_overlap.c, invalidation in
 * tlb_inval.c.
 *
 * Mixed sizes: each size class is indexed with the address bits above its
 * size, so a 2 MiB entry lives in the set of IPA >> 21 and a 4 KiB entry in
 * the set of IPA >> 12.  A lookup probes every class present for the kind
 * (a bitmask kept per kind), which is one probe in the common case.  More
 * than one match is a TLB conflict (Arm ARM D8.17.1, "TLB conflict abort").
 */
#include <stdlib.h>
#include <string.h>

#include "core/mmu/tlb_internal.h"

static const uint8_t class_size[S2SIM_TLB_NCLASSES] = {
	12, /* 4K page */
	14, /* 16K page */
	16, /* 64K page; 16 x 4K contiguous */
	21, /* 2M block (4K); 128 x 16K, 32 x 64K contiguous */
	25, /* 32M block (16K); 16 x 2M contiguous */
	29, /* 512M block (64K) */
	30, /* 1G block (4K); 32 x 32M contiguous */
	34, /* 16 x 1G, 32 x 512M contiguous */
};

int s2sim_tlb_size_class(unsigned size_log2)
{
	int i;

	for (i = 0; i < S2SIM_TLB_NCLASSES; i++)
		if (class_size[i] == size_log2)
			return i;
	return -1;
}

unsigned s2sim_tlb_class_size(unsigned cls)
{
	return cls < S2SIM_TLB_NCLASSES ? class_size[cls] : 0;
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static int check_geometry(const struct s2sim_cfg_tlb *cfg,
			  struct s2sim_errbuf *err)
{
	struct s2sim_errbuf scratch;

	if (!err)
		err = &scratch;
	if (cfg->entries == 0 || cfg->ways == 0)
		return s2sim_err(err, S2SIM_EINPUT,
				 "TLB entries and ways must be positive");
	if (cfg->entries % cfg->ways)
		return s2sim_err(err, S2SIM_EINPUT,
				 "TLB entries (%u) not a multiple of ways (%u)",
				 cfg->entries, cfg->ways);
	if (cfg->entries > (1u << 24))
		return s2sim_err(err, S2SIM_ELIMIT, "TLB entries %u > 2^24",
				 cfg->entries);
	if (cfg->repl != S2SIM_REPL_LRU && cfg->repl != S2SIM_REPL_PLRU &&
	    cfg->repl != S2SIM_REPL_RANDOM)
		return s2sim_err(err, S2SIM_EINPUT, "bad TLB replacement %d",
				 (int)cfg->repl);
	return S2SIM_OK;
}

/* Per-slot and per-set arrays; the caller frees them all on failure. */
static int alloc_arrays(struct s2sim_tlb *t)
{
	uint32_t n = t->entries;
	size_t words;

	t->tag = malloc(n * sizeof(*t->tag));
	t->ent = calloc(n, sizeof(*t->ent));
	t->seq = calloc(n, sizeof(*t->seq));
	t->ovl = calloc(n, 1);
	t->tree = calloc(n, 1);
	t->set_words = (t->ways + 63) / 64;
	words = (size_t)t->sets * t->set_words;
	t->mru = calloc(words, sizeof(*t->mru));
	t->mru_count = calloc(t->sets, sizeof(*t->mru_count));
	t->freemap = calloc(words, sizeof(*t->freemap));
	t->stamp = calloc(n, sizeof(*t->stamp));
	t->live = malloc(n * sizeof(*t->live));
	t->live_pos = malloc(n * sizeof(*t->live_pos));
	if (!t->tag || !t->ent || !t->seq || !t->ovl || !t->tree || !t->mru ||
	    !t->mru_count || !t->freemap || !t->stamp || !t->live ||
	    !t->live_pos)
		return S2SIM_ENOMEM;
	if (t->sets == 1 && t->repl == S2SIM_REPL_LRU) {
		t->lru = malloc(n * sizeof(*t->lru));
		if (!t->lru)
			return S2SIM_ENOMEM;
	}
	if (t->sets == 1) {
		/* at most a quarter full: short probe sequences */
		t->hbits = 3;
		while ((1u << t->hbits) < 4 * n)
			t->hbits++;
		t->hidx = calloc((size_t)1 << t->hbits, sizeof(*t->hidx));
		if (!t->hidx)
			return S2SIM_ENOMEM;
	}
	if (t->sets > 1 && t->ways <= 8) {
		t->hint = calloc(t->sets, sizeof(*t->hint));
		if (!t->hint)
			return S2SIM_ENOMEM;
	}
	return S2SIM_OK;
}

/* Every slot free: tags, hint bytes, free-way bitmaps, empty LRU list. */
static void reset_slots(struct s2sim_tlb *t)
{
	uint32_t i;

	if (t->hint)
		for (i = 0; i < t->ways; i++)
			t->hint_ways |= UINT64_C(0x80) << (8 * i);
	for (i = 0; i < t->entries; i++) {
		uint32_t set = tlb_slot_set(t, i), way = i - set * t->ways;

		tlb_set_tag(t, i, set, S2SIM_TLB_TAG_FREE);
		t->freemap[(size_t)set * t->set_words + (way >> 6)] |=
			UINT64_C(1) << (way & 63);
		if (t->lru)
			t->lru[i] = (struct s2sim_tlb_link){ S2SIM_TLB_NIL,
							     S2SIM_TLB_NIL };
	}
	t->lru_head = S2SIM_TLB_NIL;
}

int s2sim_tlb_init(struct s2sim_tlb *t, const struct s2sim_cfg_tlb *cfg,
		   enum s2sim_conflict_policy conflict, uint64_t seed,
		   struct s2sim_errbuf *err)
{
	int rc;

	memset(t, 0, sizeof(*t));
	rc = check_geometry(cfg, err);
	if (rc)
		return rc;
	t->entries = cfg->entries;
	t->ways = cfg->ways;
	t->sets = cfg->entries / cfg->ways;
	t->set_pow2 = is_pow2(t->sets);
	t->set_mask = t->sets - 1;
	t->tree_plru = is_pow2(t->ways);
	t->repl = cfg->repl;
	t->conflict = conflict;
	t->rng = seed ? seed : UINT64_C(0x2545F4914F6CDD1D);
	rc = alloc_arrays(t);
	if (rc == S2SIM_OK)
		reset_slots(t);
	if (rc) {
		s2sim_tlb_fini(t);
		if (err)
			s2sim_err(err, rc, "out of memory for a %u-entry TLB",
				  cfg->entries);
		return rc;
	}
	return S2SIM_OK;
}

void s2sim_tlb_fini(struct s2sim_tlb *t)
{
	free(t->tag);
	free(t->ent);
	free(t->seq);
	free(t->ovl);
	free(t->tree);
	free(t->mru);
	free(t->mru_count);
	free(t->freemap);
	free(t->stamp);
	free(t->lru);
	free(t->live);
	free(t->live_pos);
	free(t->hidx);
	free(t->hint);
	memset(t, 0, sizeof(*t));
}

/* Flip the free-way bit of `slot`, in `set`. */
static void toggle_free(struct s2sim_tlb *t, uint32_t slot, uint32_t set)
{
	uint32_t way = slot - set * t->ways;

	t->freemap[(size_t)set * t->set_words + (way >> 6)] ^=
		UINT64_C(1) << (way & 63);
}

/* Add `slot` to the dense array of valid slots. */
static void live_add(struct s2sim_tlb *t, uint32_t slot)
{
	t->live_pos[slot] = t->valid;
	t->live[t->valid++] = slot;
}

/* Remove `slot` from it: the last valid slot takes its place. */
static void live_del(struct s2sim_tlb *t, uint32_t slot)
{
	uint32_t pos = t->live_pos[slot], last = t->live[--t->valid];

	t->live[pos] = last;
	t->live_pos[last] = pos;
}

void tlb_slot_free(struct s2sim_tlb *t, uint32_t slot)
{
	const struct s2sim_tlb_entry *e = &t->ent[slot];
	int cls = s2sim_tlb_size_class(e->size);
	uint32_t set = tlb_slot_set(t, slot);

	if (t->hidx)
		tlb_hidx_delete(t, slot);
	tlb_repl_forget(t, slot, set);
	tlb_set_tag(t, slot, set, S2SIM_TLB_TAG_FREE);
	toggle_free(t, slot, set);
	t->ovl[slot] = 0;
	if (--t->count[e->kind][cls] == 0)
		t->present[e->kind] &= (uint8_t)~(1u << cls);
	live_del(t, slot);
}

/*
 * More than one entry matched: resolve per the conflict policy (Arm ARM
 * D8.17.1: a TLB conflict abort, or CONSTRAINED UNPREDICTABLE use of one
 * of the entries or an amalgam of them).  hit[] is in size order.
 */
static enum s2sim_tlb_outcome resolve_conflict(struct s2sim_tlb *t,
					       const int32_t *hit, unsigned n,
					       struct s2sim_tlb_entry *out)
{
	unsigned i, newest = 0;
	uint8_t perms = 0xff, nt = 0;

	for (i = 0; i < n; i++) {
		uint32_t slot = (uint32_t)hit[i];
		const struct s2sim_tlb_entry *e = &t->ent[slot];

		tlb_touch(t, slot, tlb_slot_set(t, slot));
		if (t->seq[hit[i]] > t->seq[hit[newest]])
			newest = i;
		perms &= e->perms;
		nt |= e->nt;
	}
	t->stats.conflicts++;
	*out = t->ent[hit[newest]];
	if (t->conflict == S2SIM_CONFLICT_ABORT)
		return S2SIM_TLB_CONFLICT;
	t->stats.hits++;
	if (t->conflict == S2SIM_CONFLICT_AMALGAMATE) {
		*out = t->ent[hit[0]]; /* the smallest */
		out->perms = perms;
		out->nt = nt;
	}
	return S2SIM_TLB_HIT_RESOLVED;
}

/*
 * Several size classes present: probe each, smallest first.  An entry that
 * overlaps no other (t->ovl clear) is the only match, so the first hit on
 * one ends the lookup; otherwise every class is probed to find them all.
 */
static enum s2sim_tlb_outcome lookup_multi(struct s2sim_tlb *t,
					   uint16_t vmid, uint64_t ipa,
					   unsigned kind, unsigned mask,
					   struct s2sim_tlb_entry *out)
{
	int32_t hit[S2SIM_TLB_NCLASSES];
	unsigned n = 0;

	for (; mask; mask &= mask - 1) {
		unsigned cls = (unsigned)__builtin_ctz(mask);
		uint64_t key = tlb_key(ipa, class_size[cls], vmid, cls, kind);
		int32_t s = tlb_probe(t, key);

		if (s < 0)
			continue;
		if (n == 0 && !t->ovl[s]) {
			tlb_touch(t, (uint32_t)s, tlb_key_set(t, key));
			t->stats.hits++;
			*out = t->ent[s];
			return S2SIM_TLB_HIT;
		}
		hit[n++] = s;
	}
	if (n == 0) {
		t->stats.misses++;
		return S2SIM_TLB_MISS;
	}
	if (n > 1)
		return resolve_conflict(t, hit, n, out);
	/* a stale overlap mark: its partner has gone */
	tlb_touch(t, (uint32_t)hit[0], tlb_slot_set(t, (uint32_t)hit[0]));
	t->stats.hits++;
	*out = t->ent[hit[0]];
	return S2SIM_TLB_HIT;
}

enum s2sim_tlb_outcome s2sim_tlb_lookup(struct s2sim_tlb *t, uint16_t vmid,
					uint64_t ipa, enum s2sim_tlb_kind kind,
					struct s2sim_tlb_entry *out)
{
	unsigned mask = t->present[kind];
	unsigned cls;
	uint64_t key;
	int32_t s;

	if (mask & (mask - 1))
		return lookup_multi(t, vmid, ipa, kind, mask, out);
	if (!mask) {
		t->stats.misses++;
		return S2SIM_TLB_MISS;
	}
	/* one class present: a match is unique, no conflict possible */
	cls = (unsigned)__builtin_ctz(mask);
	key = tlb_key(ipa, class_size[cls], vmid, cls, kind);
	if (t->tag[t->last] == key) {
		s = (int32_t)t->last;
	} else {
		s = tlb_probe(t, key);
		if (s < 0) {
			t->stats.misses++;
			return S2SIM_TLB_MISS;
		}
		t->last = (uint32_t)s;
	}
	tlb_touch(t, (uint32_t)s, tlb_key_set(t, key));
	t->stats.hits++;
	*out = t->ent[s];
	return S2SIM_TLB_HIT;
}

static int check_entry(const struct s2sim_tlb_entry *e)
{
	int cls = s2sim_tlb_size_class(e->size);

	if (cls < 0 || e->kind > S2SIM_TLB_KIND_STAGE2)
		return -1;
	if (e->ipa & ((UINT64_C(1) << e->size) - 1))
		return -1;
	if (e->ipa & ~S2SIM_TLB_IPA_MASK)
		return -1;
	return cls;
}

static void fill_slot(struct s2sim_tlb *t, uint32_t slot, uint32_t set,
		      uint64_t key, const struct s2sim_tlb_entry *e,
		      unsigned cls)
{
	tlb_set_tag(t, slot, set, key);
	toggle_free(t, slot, set);
	t->ent[slot] = *e;
	t->seq[slot] = ++t->install_seq;
	t->count[e->kind][cls]++;
	t->present[e->kind] |= (uint8_t)(1u << cls);
	live_add(t, slot);
	if (t->hidx)
		tlb_hidx_insert(t, slot);
	tlb_touch(t, slot, set);
	/* overlaps need entries of another size class (the common case is
	 * one class): test that on `e`, not on the copy just stored */
	if (t->present[e->kind] & ~(1u << cls))
		tlb_mark_overlaps(t, slot, cls);
}

int s2sim_tlb_insert(struct s2sim_tlb *t, const struct s2sim_tlb_entry *e,
		     struct s2sim_tlb_entry *evicted)
{
	int cls = check_entry(e);
	uint64_t key;
	int32_t s;
	uint32_t set, slot;
	bool was_free;
	int rc = S2SIM_TLB_FILLED;

	if (cls < 0)
		return S2SIM_EMISUSE;
	key = tlb_key(e->ipa, e->size, e->vmid, (unsigned)cls, e->kind);
	s = tlb_probe(t, key);
	t->stats.insertions++;
	if (s >= 0) {
		/* never two entries of one size for one address */
		t->ent[s] = *e;
		t->seq[s] = ++t->install_seq;
		tlb_touch(t, (uint32_t)s, tlb_slot_set(t, (uint32_t)s));
		return S2SIM_TLB_REPLACED;
	}
	set = tlb_set_of(t, tlb_key_page(key));
	/* the victim choice knows whether the way is free: the slot's tag
	 * line may well be out of the cache */
	slot = tlb_repl_victim(t, set, &was_free);
	if (!was_free) {
		if (evicted)
			*evicted = t->ent[slot];
		tlb_slot_free(t, slot);
		t->stats.evictions++;
		rc = S2SIM_TLB_EVICTED;
	}
	fill_slot(t, slot, set, key, e, (unsigned)cls);
	return rc;
}

void s2sim_tlb_foreach(const struct s2sim_tlb *t, s2sim_tlb_visit_fn fn,
		       void *ctx)
{
	uint32_t i;

	for (i = 0; i < t->entries; i++)
		if (t->tag[i] != S2SIM_TLB_TAG_FREE)
			fn(ctx, &t->ent[i]);
}
