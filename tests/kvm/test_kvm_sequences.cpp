// The hypervisor model's exact descriptor writes and TLB maintenance for
// one lazy split, one relax and one write-protect, per policy, checked
// against the sequences Linux issues.  Expected sequences are written
// from the kernel source by hand:
//  - split (stage2_map_walk_leaf -> stage2_try_break_pte ->
//    __kvm_tlb_flush_vmid_ipa -> stage2_make_pte, then the page, then
//    kvm_pgtable_stage2_map's dsb(ishst));
//  - relax (kvm_pgtable_stage2_relax_perms: update the leaf, then
//    __kvm_tlb_flush_vmid_ipa, or __kvm_tlb_flush_vmid_ipa_nsh);
//  - write-protect in KVM_CLEAR_DIRTY_LOG (stage2_wp_range, then
//    kvm_flush_remote_tlbs_memslot: __kvm_tlb_flush_vmid, or the range
//    flush __kvm_tlb_flush_vmid_range with FEAT_TLBIRANGE).
#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include <s2sim/config.h>
#include <s2sim/engine.h>
#include <s2sim/fabric.h>
#include <s2sim/stats.h>
#include "core/config/config_internal.h"
#include "core/config/fabric_cfg.h"
#include "core/kvm/kvm.h"
#include "core/mmu/desc.h"
#include "core/run/machine.h"
}

namespace {

const uint64_t kBase = 0x40000000ull; // memslot IPA
const uint64_t kSize = 4ull << 20;    // two 2 MiB blocks

struct Harness {
	s2sim_config *cfg = nullptr;
	s2sim_engine *eng = nullptr;
	s2sim_stats *st = nullptr;
	s2sim_fabric *fab = nullptr;
	s2sim_kvm *kvm = nullptr;
	s2sim_machine m{};
	std::vector<std::string> log;
	bool done = false;
	s2sim_time_ps t = 0;

	explicit Harness(std::vector<std::string> sets)
	{
		EXPECT_EQ(s2sim_config_create(&cfg), S2SIM_OK);
		sets.push_back("workload.vcpus=2");
		for (auto &s : sets)
			EXPECT_EQ(s2sim_config_set(cfg, s.c_str()), S2SIM_OK)
				<< s << ": " << s2sim_config_errmsg(cfg);
		EXPECT_EQ(s2sim_config_validate(cfg), S2SIM_OK) << s2sim_config_errmsg(cfg);
		const s2sim_cfg *c = s2sim_config_values(cfg);
		EXPECT_EQ(s2sim_engine_create(&eng), S2SIM_OK);
		EXPECT_EQ(s2sim_stats_create(&st), S2SIM_OK);
		s2sim_errbuf err{};
		EXPECT_EQ(s2sim_machine_init(&m, c, 2, st, &err), S2SIM_OK) << err.msg;
		s2sim_fabric_params fp;
		s2sim_cfg_fabric_params(c, &fp);
		EXPECT_EQ(s2sim_fabric_create(eng, &fp, &fab), S2SIM_OK);
		EXPECT_EQ(s2sim_kvm_create(&kvm, c, eng, fab, st, &m.pt, m.mmu, 2, &err),
			  S2SIM_OK) << err.msg;
		s2sim_kvm_set_trace(kvm, trace, this);
		s2sim_record slot{};
		slot.kind = S2SIM_REC_MEMSLOT;
		slot.size_log2 = 21;
		slot.addr = kBase;
		slot.len = kSize;
		vmm(slot);
	}

	void enable_logging()
	{
		s2sim_record en{};
		en.kind = S2SIM_REC_DIRTY_LOG_ENABLE;
		en.flags = S2SIM_DLOG_MANUAL_PROTECT | S2SIM_DLOG_INITIALLY_SET;
		vmm(en);
	}
	~Harness()
	{
		s2sim_kvm_destroy(kvm);
		s2sim_fabric_destroy(fab);
		s2sim_machine_fini(&m);
		s2sim_stats_destroy(st);
		s2sim_engine_destroy(eng);
		s2sim_config_destroy(cfg);
	}

	static void trace(void *ctx, const s2sim_kvm_event *ev)
	{
		auto *h = static_cast<Harness *>(ctx);
		char buf[96];
		switch (ev->kind) {
		case S2SIM_EV_DESC_WRITE:
			snprintf(buf, sizeof(buf), "write %s->%s", kind(ev->old_desc),
				 kind(ev->new_desc));
			break;
		case S2SIM_EV_TLBI:
			snprintf(buf, sizeof(buf), "tlbi %s%s ttl=%u", s2sim_dvm_kind_name(ev->op.kind),
				 ev->op.share == S2SIM_DVM_ISH ? "IS" : "", ev->op.ttl);
			break;
		case S2SIM_EV_DSB_ISH: snprintf(buf, sizeof(buf), "dsb ish"); break;
		case S2SIM_EV_DSB_ISHST: snprintf(buf, sizeof(buf), "dsb ishst"); break;
		case S2SIM_EV_DSB_NSH: snprintf(buf, sizeof(buf), "dsb nsh"); break;
		default: snprintf(buf, sizeof(buf), "isb"); break;
		}
		h->log.push_back(buf);
	}

	// The kind of a descriptor as the expected sequences name it.
	static const char *kind(uint64_t d)
	{
		if (d == (1ull << 10))
			return "locked";
		if (!(d & 1))
			return "invalid";
		bool w = d & (1ull << 7); // S2AP[1]
		if (d & 2)
			return (d & 0xfffull) == 3 ? "table" : (w ? "page-rw" : "page-ro");
		return w ? "block-rw" : "block-ro";
	}

	static void on_done(void *ctx, s2sim_time_ps t)
	{
		auto *h = static_cast<Harness *>(ctx);
		h->done = true;
		h->t = t;
	}

	void wait()
	{
		while (!done && s2sim_engine_run(eng, S2SIM_TIME_MAX) == S2SIM_OK) {
		}
		ASSERT_TRUE(done) << s2sim_kvm_errmsg(kvm);
		ASSERT_EQ(s2sim_kvm_error(kvm), S2SIM_OK) << s2sim_kvm_errmsg(kvm);
	}

	void vmm(const s2sim_record &r)
	{
		done = false;
		ASSERT_EQ(s2sim_kvm_vmm(kvm, &r, s2sim_engine_now(eng), on_done, this), S2SIM_OK)
			<< s2sim_kvm_errmsg(kvm);
		wait();
	}

	void clear()
	{
		s2sim_record r{};
		r.kind = S2SIM_REC_CLEAR_DIRTY_LOG;
		r.addr = 0;
		r.len = kSize >> 12;
		vmm(r);
	}

	// vCPU 0 writes `ipa`: translate, and hand any abort to the model
	// until the access completes.  Returns the number of aborts.
	int write(uint64_t ipa)
	{
		uint64_t acct[S2SIM_T_NBUCKETS] = {};
		for (int aborts = 0; aborts < 8; aborts++) {
			s2sim_mmu_result r;
			s2sim_mmu_access(&m.mmu[0], ipa, true, &r);
			if (r.outcome == S2SIM_MMU_OK)
				return aborts;
			done = false;
			EXPECT_EQ(s2sim_kvm_guest_abort(kvm, 0, s2sim_engine_now(eng), ipa,
							true, &r, acct, on_done, this),
				  S2SIM_OK);
			wait();
		}
		ADD_FAILURE() << "access never completed";
		return -1;
	}
};

using Seq = std::vector<std::string>;

const Seq kBroadcastFlush2M = { "dsb ishst", "tlbi IPAS2E1IS ttl=6", "dsb ish",
				"tlbi VMALLE1IS ttl=0", "dsb ish", "isb" };

Seq concat(std::initializer_list<Seq> parts)
{
	Seq out;
	for (auto &p : parts)
		out.insert(out.end(), p.begin(), p.end());
	return out;
}

// Populate maps a 2 MiB block (no TLBI: the entry was invalid); with
// manual protect + initially set, enabling logging changes nothing; CLEAR
// write-protects the block and flushes the VMID; the next write splits it.
TEST(KvmSequence, PopulateMapsABlockWithoutTlbi)
{
	Harness h({ "hypervisor.policy=baseline" });
	EXPECT_EQ(h.write(kBase), 1);
	EXPECT_EQ(h.log, (Seq{ "write invalid->table", "write invalid->block-rw",
			       "dsb ishst" }));
}

TEST(KvmSequence, ClearWriteProtectsThenFlushesTheVmid)
{
	Harness h({ "hypervisor.policy=baseline" });
	h.write(kBase);
	h.enable_logging();
	h.log.clear();
	h.clear();
	// one block write-protected (the whole block, stage2_wp_range), then
	// __kvm_tlb_flush_vmid (no FEAT_TLBIRANGE on N1)
	EXPECT_EQ(h.log, (Seq{ "write block-rw->block-ro", "dsb ishst",
			       "tlbi VMALLS12E1IS ttl=0", "dsb ish", "isb" }));
}

TEST(KvmSequence, ClearWithTlbiRangeUsesOneRangeOp)
{
	Harness h({ "platform.feat_tlbirange=true", "hypervisor.policy=baseline+tlbi-range" });
	h.write(kBase);
	h.enable_logging();
	h.log.clear();
	h.clear();
	// 4 MiB = 1024 pages = (NUM + 1) * 2^(5*SCALE + 1) with SCALE 1, NUM 15
	EXPECT_EQ(h.log, (Seq{ "write block-rw->block-ro", "dsb ishst",
			       "tlbi RIPAS2E1IS ttl=0", "dsb ish", "tlbi VMALLE1IS ttl=0",
			       "dsb ish", "isb" }));
}

TEST(KvmSequence, LazySplitBreaksBeforeMaking)
{
	Harness h({ "hypervisor.policy=baseline" });
	h.write(kBase);
	h.enable_logging();
	h.clear();
	h.log.clear();
	EXPECT_EQ(h.write(kBase + 0x3000), 1);
	EXPECT_EQ(h.log, concat({ { "write block-ro->locked" }, kBroadcastFlush2M,
				  { "write locked->table", "write invalid->page-rw",
				    "dsb ishst" } }));
	EXPECT_EQ(s2sim_kvm_get_stats(h.kvm)->findings_bbm, 0u);
	// the block's other pages are mapped lazily, without any TLBI
	h.log.clear();
	EXPECT_EQ(h.write(kBase + 0x5000), 1);
	EXPECT_EQ(h.log, (Seq{ "write invalid->page-rw", "dsb ishst" }));
}

TEST(KvmSequence, RelaxBroadcastsOrFlushesLocally)
{
	for (bool nsh : { false, true }) {
		Harness h({ nsh ? "hypervisor.policy=rdlock-all+nsh-relax"
				: "hypervisor.policy=baseline" });
		h.write(kBase);
		h.enable_logging();
		h.clear();
		h.write(kBase + 0x3000); // split; page 3 is now writable
		h.clear();               // page 3 write-protected again
		h.log.clear();
		EXPECT_EQ(h.write(kBase + 0x3000), 1);
		Seq flush = nsh ? Seq{ "dsb nsh", "tlbi IPAS2E1 ttl=7", "dsb nsh",
				       "tlbi VMALLE1 ttl=0", "dsb nsh", "isb" }
				: Seq{ "dsb ishst", "tlbi IPAS2E1IS ttl=7", "dsb ish",
				       "tlbi VMALLE1IS ttl=0", "dsb ish", "isb" };
		EXPECT_EQ(h.log, concat({ { "write page-ro->page-rw" }, flush, { "dsb ishst" } }))
			<< (nsh ? "nsh-relax" : "baseline");
	}
}

TEST(KvmSequence, Bbml2SplitsWithoutTheBreak)
{
	Harness h({ "platform.feat_bbm=2", "hypervisor.policy=rdlock-all+bbml2" });
	h.write(kBase);
	h.enable_logging();
	h.clear();
	h.log.clear();
	EXPECT_EQ(h.write(kBase + 0x3000), 1);
	// a full table of read-only pages built off-line (512 writes into the
	// unlinked table), written over the block, the faulting page made
	// writable, then the old block flushed; no invalid window
	Seq linked;
	size_t offline = 0;
	for (auto &e : h.log) {
		if (e == "write invalid->page-ro")
			offline++;
		else
			linked.push_back(e);
	}
	EXPECT_EQ(offline, 512u);
	EXPECT_EQ(linked, concat({ { "write block-ro->table", "write page-ro->page-rw" },
				   kBroadcastFlush2M, { "dsb ishst" } }));
	EXPECT_EQ(s2sim_kvm_get_stats(h.kvm)->findings_bbm, 0u);
}

TEST(KvmChecker, UnsafeNoBbmIsFlagged)
{
	Harness h({ "hypervisor.policy=baseline+unsafe-no-bbm" });
	h.write(kBase);
	h.enable_logging();
	h.clear();
	h.log.clear();
	h.write(kBase + 0x3000);
	const s2sim_kvm_stats *s = s2sim_kvm_get_stats(h.kvm);
	EXPECT_EQ(s->findings_bbm, 1u); // block -> table without the break
	EXPECT_EQ(s->tlbi_broadcast, 1u) << "only CLEAR's flush";
	uint32_t n = 0;
	const s2sim_finding *f = s2sim_kvm_findings(h.kvm, &n);
	ASSERT_EQ(n, 1u);
	char buf[256];
	s2sim_finding_format(&f[0], buf, sizeof(buf));
	EXPECT_NE(std::string(buf).find("break-before-make"), std::string::npos) << buf;
}

} // namespace
