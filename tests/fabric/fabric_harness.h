// Test harness for the fabric: an engine, a fabric, and callbacks that
// record every delivery and DSB completion.
#ifndef S2SIM_TESTS_FABRIC_HARNESS_H
#define S2SIM_TESTS_FABRIC_HARNESS_H

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <vector>

#include <s2sim/engine.h>
#include <s2sim/fabric.h>

struct Applied {
	s2sim_time_ps t;
	uint32_t pe;
	s2sim_dvm_op op;
};

struct SyncDone {
	s2sim_time_ps t;
	uint32_t pe;
};

class Harness {
public:
	explicit Harness(const s2sim_fabric_params &p)
	{
		EXPECT_EQ(s2sim_engine_create(&eng), S2SIM_OK);
		rc = s2sim_fabric_create(eng, &p, &fab);
		EXPECT_EQ(rc, S2SIM_OK) << s2sim_fabric_errmsg(fab);
		s2sim_fabric_callbacks cb = {};
		cb.ctx = this;
		cb.apply = apply_cb;
		cb.sync_done = sync_cb;
		if (fab)
			s2sim_fabric_set_callbacks(fab, &cb);
	}
	~Harness()
	{
		s2sim_fabric_destroy(fab);
		s2sim_engine_destroy(eng);
	}
	Harness(const Harness &) = delete;
	Harness &operator=(const Harness &) = delete;

	void run() { s2sim_engine_run(eng, S2SIM_TIME_MAX); }
	const s2sim_fabric_stats &st() const { return *s2sim_fabric_get_stats(fab); }

	int tlbi(uint32_t pe, s2sim_time_ps t, const s2sim_dvm_op &op)
	{
		return s2sim_fabric_tlbi(fab, pe, t, &op);
	}
	int dsb(uint32_t pe, s2sim_time_ps t)
	{
		return s2sim_fabric_dsb_ish(fab, pe, t);
	}
	// Applications of ops of `vmid` (all when vmid < 0).
	std::vector<Applied> applied_of(int vmid) const
	{
		std::vector<Applied> out;
		for (const Applied &a : applied)
			if (vmid < 0 || a.op.vmid == vmid)
				out.push_back(a);
		return out;
	}
	s2sim_time_ps sync_time(uint32_t pe) const
	{
		for (const SyncDone &s : syncs)
			if (s.pe == pe)
				return s.t;
		return S2SIM_TIME_MAX;
	}

	s2sim_engine *eng = nullptr;
	s2sim_fabric *fab = nullptr;
	int rc = S2SIM_OK;
	std::vector<Applied> applied;
	std::vector<SyncDone> syncs;
	// Optional hooks.
	std::function<uint64_t(uint32_t, const s2sim_dvm_op &)> on_apply;
	std::function<void(uint32_t, s2sim_time_ps)> on_sync;

private:
	static uint64_t apply_cb(void *ctx, uint32_t pe, const s2sim_dvm_op *op)
	{
		Harness *h = static_cast<Harness *>(ctx);
		h->applied.push_back({s2sim_engine_now(h->eng), pe, *op});
		return h->on_apply ? h->on_apply(pe, *op) : 0;
	}
	static void sync_cb(void *ctx, uint32_t pe, s2sim_time_ps t)
	{
		Harness *h = static_cast<Harness *>(ctx);
		EXPECT_EQ(t, s2sim_engine_now(h->eng));
		h->syncs.push_back({t, pe});
		if (h->on_sync)
			h->on_sync(pe, t);
	}
};

inline s2sim_dvm_op ipa_op(uint16_t vmid, uint64_t ipa,
			   uint8_t share = S2SIM_DVM_ISH)
{
	s2sim_dvm_op op = {};
	op.kind = S2SIM_DVM_IPAS2E1;
	op.share = share;
	op.vmid = vmid;
	op.ipa = ipa;
	return op;
}

inline s2sim_dvm_op vm_op(uint8_t kind, uint16_t vmid)
{
	s2sim_dvm_op op = {};
	op.kind = kind;
	op.share = S2SIM_DVM_ISH;
	op.vmid = vmid;
	return op;
}

// A small, hand-checkable fabric: `pes` PEs on a pes x 1 row, one per XP.
inline s2sim_fabric_params small_params(uint32_t pes)
{
	s2sim_fabric_params p;
	s2sim_fabric_params_default(&p);
	p.pes = pes;
	p.mesh_x = pes;
	p.mesh_y = 1;
	p.pes_per_xp = 1;
	p.dn_xp[0] = 0;
	return p;
}

#endif
