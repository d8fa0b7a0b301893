/*
 * s2sim_config_validate(): the rules that involve more than one key.  Each
 * message names the key blamed and where it was set, and where the other
 * keys of the rule were set:
 *   "cfg.yaml:20: key 'platform.l2_tlb.ways': 1280 entries / 3 ways is not
 *    a whole number of sets (platform.l2_tlb.entries: cfg.yaml:19)"
 * Single-key rules (ranges, allowed values) are checked when a value is set.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <s2sim/fabric.h>

#include "core/config/config_handle.h"
#include "core/config/trace_window.h"
#include "core/config/value.h"

#define KiB 1024ull
#define TiB (1024ull * 1024 * 1024 * KiB)

static const struct s2sim_cfg_key *key(const char *path)
{
	return s2sim_cfg_find(path);
}

static uint64_t u64(const s2sim_config *cfg, const char *path)
{
	return s2sim_cfg_read_u64(key(path), &cfg->values);
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/*
 * Report a broken rule about `primary` (and the NULL-terminated `others`).
 * The blamed key is `primary`, unless it still holds its default and one
 * of the others was set: the user's change is what broke the rule.
 */
static int fail(s2sim_config *cfg, const char *primary,
		const char *const *others, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The key a broken rule is blamed on (see fail()). */
static const char *blame(const s2sim_config *cfg, const char *primary,
			 const char *const *others)
{
	if (!s2sim_config_is_default(cfg, key(primary)))
		return primary;
	for (size_t i = 0; others[i]; i++) {
		if (!s2sim_config_is_default(cfg, key(others[i])))
			return others[i];
	}
	return primary;
}

/* " (a: file:3; b: default)" for the keys of a rule other than `blamed`. */
static void other_origins(const s2sim_config *cfg, const char *blamed,
			  const char *primary, const char *const *others,
			  char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i == 0 || others[i - 1]; i++) {
		const char *k = i == 0 ? primary : others[i - 1];

		if (k == blamed || o >= n)
			continue;
		o += (size_t)snprintf(buf + o, n - o, "%s%s: %s", o ? "; " : " (",
				      k, s2sim_config_origin_of(cfg, key(k)));
	}
	if (o && o < n)
		snprintf(buf + o, n - o, ")");
}

static int fail(s2sim_config *cfg, const char *primary,
		const char *const *others, const char *fmt, ...)
{
	const char *blamed = blame(cfg, primary, others);
	char text[512], where[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	other_origins(cfg, blamed, primary, others, where, sizeof(where));
	return s2sim_err(&cfg->err, S2SIM_EINPUT, "%s: key '%s': %s%s",
			 s2sim_config_origin_of(cfg, key(blamed)), blamed, text,
			 where);
}

/* A set-associative structure: entries / ways whole sets, a power of two.
 * With `allow_off`, 0 entries disables it (walk-cache levels). */
static int check_sets(s2sim_config *cfg, const char *entries_key,
		      const char *ways_key, bool allow_off)
{
	const char *const others[] = { entries_key, NULL };
	uint64_t e = u64(cfg, entries_key), w = u64(cfg, ways_key);

	if (allow_off && e == 0)
		return S2SIM_OK;
	if (e % w)
		return fail(cfg, ways_key, others,
			    "%llu entries / %llu ways is not a whole number of sets",
			    (unsigned long long)e, (unsigned long long)w);
	if (!is_pow2(e / w))
		return fail(cfg, ways_key, others,
			    "%llu entries / %llu ways = %llu sets, not a power of two",
			    (unsigned long long)e, (unsigned long long)w,
			    (unsigned long long)(e / w));
	return S2SIM_OK;
}

static int check_tlbs(s2sim_config *cfg)
{
	static const char *const levels[][2] = {
		{ "platform.walk_cache.l0.entries", "platform.walk_cache.l0.ways" },
		{ "platform.walk_cache.l1.entries", "platform.walk_cache.l1.ways" },
		{ "platform.walk_cache.l2.entries", "platform.walk_cache.l2.ways" },
	};
	const char *const l1[] = { "platform.l1d_tlb.entries", NULL };
	uint64_t e = u64(cfg, "platform.l1d_tlb.entries");
	uint64_t w = u64(cfg, "platform.l1d_tlb.ways");
	int rc;

	if (e != w)
		return fail(cfg, "platform.l1d_tlb.ways", l1,
			    "the L1 data TLB is fully associative: ways (%llu) "
			    "must equal entries (%llu)",
			    (unsigned long long)w, (unsigned long long)e);
	rc = check_sets(cfg, "platform.l2_tlb.entries", "platform.l2_tlb.ways",
			false);
	for (int i = 0; i < 3 && rc == S2SIM_OK; i++)
		rc = check_sets(cfg, levels[i][0], levels[i][1], true);
	return rc;
}

static int check_vcpus(s2sim_config *cfg)
{
	const char *const others[] = { "platform.pes", NULL };
	uint64_t vcpus = u64(cfg, "workload.vcpus");
	uint64_t pes = u64(cfg, "platform.pes");

	if (vcpus > pes)
		return fail(cfg, "workload.vcpus", others,
			    "%llu vCPUs exceed platform.pes = %llu",
			    (unsigned long long)vcpus, (unsigned long long)pes);
	return S2SIM_OK;
}

/* guest_page_size: a power of two of at least 4 KiB... */
static int check_guest_page_pow2(s2sim_config *cfg)
{
	const char *const none[] = { NULL };
	uint64_t page = u64(cfg, "workload.guest_page_size");
	char a[32];

	if (is_pow2(page) && page >= 4 * KiB)
		return S2SIM_OK;
	s2sim_cfg_format_size(page, a, sizeof(a));
	return fail(cfg, "workload.guest_page_size", none,
		    "%s is not a power of two of at least 4KiB", a);
}

/* ...and at most the backing page size. */
static int check_guest_page_fits(s2sim_config *cfg)
{
	const char *const others[] = { "workload.backing_page_size", NULL };
	uint64_t page = u64(cfg, "workload.guest_page_size");
	uint64_t backing = u64(cfg, "workload.backing_page_size");
	char a[32], b[32];

	if (page <= backing)
		return S2SIM_OK;
	s2sim_cfg_format_size(page, a, sizeof(a));
	s2sim_cfg_format_size(backing, b, sizeof(b));
	return fail(cfg, "workload.guest_page_size", others,
		    "%s is larger than workload.backing_page_size = %s", a, b);
}

/* bytes_per_vcpu: a non-zero multiple of both page sizes. */
static int check_region(s2sim_config *cfg)
{
	static const char *const page_keys[] = { "workload.backing_page_size",
						  "workload.guest_page_size" };
	uint64_t bytes = u64(cfg, "workload.bytes_per_vcpu");
	char a[32], b[32];

	s2sim_cfg_format_size(bytes, a, sizeof(a));
	for (int i = 0; i < 2; i++) {
		const char *const others[] = { page_keys[i], NULL };
		uint64_t page = u64(cfg, page_keys[i]);

		s2sim_cfg_format_size(page, b, sizeof(b));
		if (!bytes || bytes % page)
			return fail(cfg, "workload.bytes_per_vcpu", others,
				    "workload.bytes_per_vcpu = %s is not a non-zero "
				    "multiple of %s = %s", a, page_keys[i], b);
	}
	return S2SIM_OK;
}

/*
 * Concatenated start-level tables needed to translate an `ipa_bits` IPA
 * space from stage-2 start `level` with the 4 KiB granule, or 0 if that
 * start level is not allowed.  Arm ARM D8.2 (stage-2 initial lookup level
 * and concatenated translation tables), VTCR_EL2.SL0/T0SZ (D24.2.224), as
 * QEMU's check_s2_mmu_setup() checks them:
 *  - a level-L table resolves IA bits up to 12 + 9 * (4 - L);
 *  - 2 to 16 concatenated tables resolve 1 to 4 more bits;
 *  - a start level whose next level could hold the whole space is invalid;
 *  - concatenation at level 0 needs VTCR_EL2.DS (FEAT_LPA2) and level 3
 *    needs FEAT_TTST: s2sim models neither.
 */
static unsigned start_tables(unsigned ipa_bits, unsigned level)
{
	unsigned top = 12 + 9 * (4 - level);

	if (level > 2 || ipa_bits <= top - 9)
		return 0;
	if (ipa_bits <= top)
		return 1;
	if (level == 0 || ipa_bits - top > 4)
		return 0;
	return 1u << (ipa_bits - top);
}

static void valid_start_levels(unsigned ipa_bits, char *buf, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned l = 0; l <= 3 && o < n; l++) {
		unsigned t = start_tables(ipa_bits, l);

		if (!t)
			continue;
		o += (size_t)snprintf(buf + o, n - o, "%s%u", o ? " or " : "", l);
		if (t > 1 && o < n)
			o += (size_t)snprintf(buf + o, n - o,
					      " (%u concatenated tables)", t);
	}
}

static int check_translation_regime(s2sim_config *cfg)
{
	const char *const pa[] = { "platform.pa_bits", NULL };
	const char *const ipa[] = { "platform.ipa_bits", NULL };
	const char *const none[] = { NULL };
	unsigned ipa_bits = (unsigned)u64(cfg, "platform.ipa_bits");
	unsigned pa_bits = (unsigned)u64(cfg, "platform.pa_bits");
	unsigned level = (unsigned)u64(cfg, "platform.start_level");
	char valid[128];

	/* KVM caps the IPA size at the PA range (kvm_set_ipa_limit()). */
	if (ipa_bits > pa_bits)
		return fail(cfg, "platform.ipa_bits", pa,
			    "a %u-bit IPA space exceeds platform.pa_bits = %u",
			    ipa_bits, pa_bits);
	if (start_tables(ipa_bits, level))
		return S2SIM_OK;
	valid_start_levels(ipa_bits, valid, sizeof(valid));
	if (!valid[0])
		return fail(cfg, "platform.ipa_bits", none,
			    "a %u-bit IPA space needs FEAT_LPA2 (VTCR_EL2.DS = 1) "
			    "with the 4 KiB granule, which s2sim does not model "
			    "(at most 48 bits)", ipa_bits);
	return fail(cfg, "platform.start_level", ipa,
		    "start level %u does not suit a %u-bit IPA space with the "
		    "4 KiB granule (VTCR_EL2.T0SZ = %u, at most 16 concatenated "
		    "start tables); valid: %s", level, ipa_bits, 64 - ipa_bits,
		    valid);
}

/* The guest's memory must fit in the IPA space (memstress puts it at the
 * top of the IPA space). */
static int check_ipa_space(s2sim_config *cfg)
{
	const char *const others[] = { "workload.vcpus", "platform.ipa_bits",
				       NULL };
	uint64_t vcpus = u64(cfg, "workload.vcpus");
	uint64_t bytes = u64(cfg, "workload.bytes_per_vcpu");
	unsigned ipa_bits = (unsigned)u64(cfg, "platform.ipa_bits");
	uint64_t space = 1ull << ipa_bits;
	char a[32], b[32];

	/* memstress_create_vm() needs guest_num_pages < region_end_gfn: the
	 * region must be strictly smaller than the IPA space. */
	if (bytes < space / vcpus)
		return S2SIM_OK;
	s2sim_cfg_format_size(bytes, a, sizeof(a));
	s2sim_cfg_format_size(space, b, sizeof(b));
	return fail(cfg, "workload.bytes_per_vcpu", others,
		    "%llu vCPUs x %s do not fit in the %u-bit IPA space (%s)",
		    (unsigned long long)vcpus, a, ipa_bits, b);
}

static int check_trace(s2sim_config *cfg)
{
	const char *const others[] = { "workload.source", NULL };
	const struct s2sim_cfg_key *src = key("workload.source");

	if (s2sim_cfg_read_u64(src, &cfg->values) != S2SIM_SRC_TRACE ||
	    cfg->values.workload.trace[0])
		return S2SIM_OK;
	return fail(cfg, "workload.trace", others,
		    "workload.source is trace but no trace file is named");
}

/* Features of hypervisor.policy that need an architecture feature. */
static int check_policy_features(s2sim_config *cfg)
{
	const char *const range[] = { "platform.feat_tlbirange", NULL };
	const char *const bbm[] = { "platform.feat_bbm", NULL };
	const struct s2sim_cfg *v = &cfg->values;

	/* kvm_tlb_flush_vmid_range() issues range TLBIs only when
	 * system_supports_tlb_range(). */
	if ((v->hypervisor.features & S2SIM_POLF_TLBI_RANGE) &&
	    !v->platform.feat_tlbirange)
		return fail(cfg, "hypervisor.policy", range,
			    "policy '%s' uses range TLBIs (tlbi-range), which "
			    "need platform.feat_tlbirange = true",
			    v->hypervisor.policy);
	/* Changing a block's size without the break needs FEAT_BBM level 2
	 * (ID_AA64MMFR2_EL1.BBM = 2). */
	if ((v->hypervisor.features & S2SIM_POLF_BBML2) &&
	    v->platform.feat_bbm != 2)
		return fail(cfg, "hypervisor.policy", bbm,
			    "policy '%s' splits without break-before-make "
			    "(bbml2), which needs platform.feat_bbm = 2, not %u",
			    v->hypervisor.policy, v->platform.feat_bbm);
	return S2SIM_OK;
}

/*
 * eager-split and workload.eager_split_chunk go together: the chunk is
 * KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE, whose 0 disables eager splitting
 * (kvm_mmu_split_huge_pages() returns at once).  Linux requires only that
 * a non-zero chunk be a supported block size (kvm_is_block_size_supported(),
 * the key's allowed values), not a multiple of the backing page size: a
 * chunk smaller than a block still splits the whole block.
 */
static int check_eager_split(s2sim_config *cfg)
{
	const char *const chunk_key[] = { "workload.eager_split_chunk", NULL };
	const char *const policy_key[] = { "hypervisor.policy", NULL };
	const struct s2sim_cfg *v = &cfg->values;
	bool eager = v->hypervisor.features & S2SIM_POLF_EAGER_SPLIT;
	char a[32];

	if (eager && !v->workload.eager_split_chunk)
		return fail(cfg, "hypervisor.policy", chunk_key,
			    "policy '%s' splits eagerly (eager-split), which "
			    "needs workload.eager_split_chunk > 0 "
			    "(KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE 0 disables it)",
			    v->hypervisor.policy);
	if (!eager && v->workload.eager_split_chunk) {
		s2sim_cfg_format_size(v->workload.eager_split_chunk, a,
				      sizeof(a));
		return fail(cfg, "workload.eager_split_chunk", policy_key,
			    "a chunk of %s has no effect: policy '%s' has no "
			    "eager-split feature", a, v->hypervisor.policy);
	}
	return S2SIM_OK;
}

static int check_vmm_pe(s2sim_config *cfg)
{
	const char *const others[] = { "platform.pes", NULL };
	uint64_t pe = u64(cfg, "hypervisor.vmm_pe");
	uint64_t pes = u64(cfg, "platform.pes");

	if (pe < pes)
		return S2SIM_OK;
	return fail(cfg, "hypervisor.vmm_pe", others,
		    "PE %llu does not exist: platform.pes = %llu (PEs 0 to "
		    "%llu)", (unsigned long long)pe, (unsigned long long)pes,
		    (unsigned long long)pes - 1);
}

/*
 * A concurrent VMM thread runs while every vCPU runs, so it needs a PE of
 * its own: vCPU i runs on PE i.  (A trace's vCPU count is checked when
 * the run is built, core/run/sim.c.)
 */
static int check_vmm_concurrent(s2sim_config *cfg)
{
	const char *const others[] = { "workload.vmm_concurrent",
				       "workload.vcpus", NULL };
	const struct s2sim_cfg *v = &cfg->values;

	if (!v->workload.vmm_concurrent ||
	    v->workload.source != S2SIM_SRC_GENERATOR ||
	    v->hypervisor.vmm_pe >= v->workload.vcpus)
		return S2SIM_OK;
	return fail(cfg, "hypervisor.vmm_pe", others,
		    "PE %u runs vCPU %u; workload.vmm_concurrent needs a VMM "
		    "PE no vCPU runs on (vmm_pe >= workload.vcpus = %u)",
		    v->hypervisor.vmm_pe, v->hypervisor.vmm_pe,
		    v->workload.vcpus);
}

/* kvm_clear_dirty_log_protect(): first_page and num_pages are multiples
 * of 64 pages (256 KiB), except a range that reaches the end of the slot. */
static int check_clear_chunk(s2sim_config *cfg)
{
	const char *const none[] = { NULL };
	uint64_t chunk = u64(cfg, "workload.clear_chunk");
	char a[32];

	if (chunk % (256 * KiB) == 0)
		return S2SIM_OK;
	s2sim_cfg_format_size(chunk, a, sizeof(a));
	return fail(cfg, "workload.clear_chunk", none,
		    "%s is not a multiple of 256KiB (64 pages, "
		    "KVM_CLEAR_DIRTY_LOG's rule)", a);
}

/* Every PE is a requester on the mesh: PE i sits on XP i / pes_per_xp. */
static int check_mesh(s2sim_config *cfg)
{
	const char *const mesh[] = { "fabric.mesh_x", "fabric.mesh_y",
				     "fabric.pes_per_xp", NULL };
	const char *const none[] = { NULL };
	uint64_t pes = u64(cfg, "platform.pes");
	uint64_t x = u64(cfg, "fabric.mesh_x"), y = u64(cfg, "fabric.mesh_y");
	uint64_t per = u64(cfg, "fabric.pes_per_xp");

	if (pes > S2SIM_FABRIC_MAX_PES)
		return fail(cfg, "platform.pes", none,
			    "%llu PEs: the fabric models at most %u requesters",
			    (unsigned long long)pes, S2SIM_FABRIC_MAX_PES);
	if (pes <= x * y * per)
		return S2SIM_OK;
	return fail(cfg, "platform.pes", mesh,
		    "%llu PEs do not fit the fabric mesh: %llu x %llu XPs with "
		    "%llu PEs per XP hold %llu", (unsigned long long)pes,
		    (unsigned long long)x, (unsigned long long)y,
		    (unsigned long long)per, (unsigned long long)(x * y * per));
}

/* The address filter's directory indexes sets and regions by bits. */
static int check_addr_filter(s2sim_config *cfg)
{
	const char *const none[] = { NULL };
	uint64_t sets = u64(cfg, "fabric.addr_sets");
	uint64_t region = u64(cfg, "fabric.addr_region_bytes");
	char a[32];

	if (!is_pow2(sets))
		return fail(cfg, "fabric.addr_sets", none,
			    "%llu sets is not a power of two",
			    (unsigned long long)sets);
	if (is_pow2(region) && region >= 4 * KiB && region <= TiB)
		return S2SIM_OK;
	s2sim_cfg_format_size(region, a, sizeof(a));
	return fail(cfg, "fabric.addr_region_bytes", none,
		    "%s is not a power of two from 4KiB to 1TiB", a);
}

/* sim.trace_window: a single key, but free text, so checked here. */
static int check_trace_window(s2sim_config *cfg)
{
	const char *const none[] = { NULL };
	struct s2sim_trace_window w;
	char why[256];

	if (s2sim_trace_window_parse(cfg->values.sim.trace_window, &w, why,
				     sizeof(why)) == 0)
		return S2SIM_OK;
	return fail(cfg, "sim.trace_window", none, "%s", why);
}

int s2sim_config_validate(s2sim_config *cfg)
{
	int (*const rules[])(s2sim_config *) = {
		/* check_region before check_guest_page_fits, which would
		 * otherwise imply its guest-page multiple rule. */
		check_tlbs,            check_vcpus,
		check_guest_page_pow2, check_region,
		check_guest_page_fits, check_translation_regime,
		check_ipa_space,       check_trace,
		check_policy_features, check_eager_split,
		check_vmm_pe,          check_vmm_concurrent,
		check_clear_chunk,     check_mesh,
		check_addr_filter,     check_trace_window,
	};

	if (!cfg)
		return S2SIM_EMISUSE;
	s2sim_err_clear(&cfg->err);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		int rc = rules[i](cfg);

		if (rc != S2SIM_OK)
			return rc;
	}
	return S2SIM_OK;
}
