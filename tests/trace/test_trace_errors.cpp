// Every class of bad trace, as crafted binary files (the message must name
// the record index and its byte offset) and as text (the line number).
#include "trace_test_util.h"

using namespace trace_test;

namespace {

const uint64_t BASE = 0x40000000ull;

// A valid start: one 2 MiB-backed 4 MiB slot at BASE, as record 0.
raw_trace with_slot(uint32_t vcpus = 2)
{
	raw_trace t(vcpus);
	t.add(memslot(0, BASE, 4ull << 20, 21));
	return t;
}

// Read a crafted binary trace; expect EINPUT with a message naming the
// record and byte, plus `what`.  The records before the bad one are valid.
void expect_bad_record(const raw_trace &t, uint64_t index, uint64_t offset,
		       const std::string &what)
{
	std::string path = tmp_path("bad.bin");
	write_file(path, t.bytes);
	read_result res = read_all(path, 2);
	EXPECT_EQ(S2SIM_EINPUT, res.rc) << res.msg;
	std::string where = path + ": record " + std::to_string(index) + " at byte " +
			    std::to_string(offset) + ": ";
	EXPECT_NE(std::string::npos, res.msg.find(where)) << res.msg << "\nwanted: " << where;
	EXPECT_NE(std::string::npos, res.msg.find(what)) << res.msg << "\nwanted: " << what;
	EXPECT_EQ(index, res.recs.size());
	EXPECT_EQ(index, res.index);
	EXPECT_EQ(offset, res.offset);
	std::remove(path.c_str());
}

// Same for the open-time header checks.
void expect_bad_header(const std::string &bytes, const std::string &what)
{
	std::string path = tmp_path("hdr.bin");
	write_file(path, bytes);
	read_result res = read_all(path);
	EXPECT_EQ(S2SIM_EINPUT, res.rc);
	EXPECT_EQ(0u, res.msg.find(path + ": ")) << res.msg;
	EXPECT_NE(std::string::npos, res.msg.find(what)) << res.msg << "\nwanted: " << what;
	std::remove(path.c_str());
}

void expect_bad_text(const std::string &text, unsigned line, const std::string &what)
{
	std::string path = tmp_path("bad.txt");
	write_file(path, text);
	read_result res = read_all(path);
	EXPECT_EQ(S2SIM_EINPUT, res.rc) << res.msg;
	std::string where = path + ":" + std::to_string(line) + ": ";
	EXPECT_EQ(0u, res.msg.find(where)) << res.msg << "\nwanted: " << where;
	EXPECT_NE(std::string::npos, res.msg.find(what)) << res.msg << "\nwanted: " << what;
	std::remove(path.c_str());
}

} // namespace

TEST(TraceBadHeader, MagicVersionFlagsVcpusReservedTruncated)
{
	raw_trace ok(2);
	std::string b = ok.bytes;
	b[3] = 'X'; // "S2TXACE": not the magic, not text either
	b[7] = 0;
	expect_bad_header(b, "not an s2sim trace");

	expect_bad_header(raw_trace(2, 2).bytes, "byte 8: unknown trace version 2");
	expect_bad_header(raw_trace(2, 1, 0x0002).bytes, "byte 10: reserved header flags");
	expect_bad_header(raw_trace(0).bytes, "byte 12: vcpus 0 out of range");
	expect_bad_header(raw_trace(S2SIM_TRACE_MAX_VCPUS + 1).bytes, "byte 12: vcpus 4097");
	b = ok.bytes;
	b[20] = 1;
	expect_bad_header(b, "byte 20: reserved header byte");
	expect_bad_header(ok.bytes.substr(0, 20), "truncated header (20 of 32 bytes)");
	expect_bad_header(ok.bytes.substr(0, 4), "truncated header (4 of 32 bytes)");
}

TEST(TraceBadRecord, Truncated)
{
	raw_trace t = with_slot();
	t.add(access(0, false, BASE, 3, 0));
	t.bytes.append(10, '\x01');
	expect_bad_record(t, 2, 80, "truncated record (10 of 16 bytes)");

	raw_trace u = with_slot();
	u.add(memslot(1, BASE + (4ull << 20), 4096, 12));
	u.bytes.resize(u.bytes.size() - 8); // second unit cut short
	expect_bad_record(u, 1, 64, "truncated record (24 of 32 bytes)");
}

TEST(TraceBadRecord, UnknownKindAndReservedBits)
{
	raw_trace t = with_slot();
	t.add(access(0, false, BASE, 3, 0)).unit(0x7f, 0);
	expect_bad_record(t, 2, 80, "unknown record kind 0x7f");

	raw_trace a = with_slot();
	a.unit(0x0001 | 0x8000, BASE); // ACCESS with attr bit 7 set
	expect_bad_record(a, 1, 64, "reserved bits");

	raw_trace s = with_slot();
	s.add(memslot(1, BASE + (4ull << 20), 4096, 12));
	s.bytes[s.bytes.size() - 1] = 1; // memslot bytes 24..31
	expect_bad_record(s, 1, 64, "reserved bytes 24..31");

	raw_trace p = with_slot();
	p.unit(S2SIM_REC_PHASE | (5ull << 32), 9); // phase with an address
	expect_bad_record(p, 1, 64, "nonzero addr");
}

TEST(TraceBadRecord, VcpuOutOfRange)
{
	raw_trace t = with_slot(2);
	t.add(access(1, true, BASE, 3, 0)).add(access(2, true, BASE, 3, 0));
	expect_bad_record(t, 2, 80, "vcpu 2 out of range (the trace has 2 vCPUs)");
}

TEST(TraceBadRecord, AccessSizeAndAlignment)
{
	raw_trace t = with_slot();
	t.unit(0x0001 | (7u << 12), BASE); // size_log2 7 = 128 bytes
	expect_bad_record(t, 1, 64, "size_log2 7 out of range");

	raw_trace u = with_slot();
	u.add(access(0, false, BASE + 4, 2, 0)).add(access(0, false, BASE + 4, 3, 0));
	expect_bad_record(u, 2, 80, "IPA 0x40000004 not aligned to its size 8");
}

TEST(TraceBadRecord, AccessOutsideEveryMemslot)
{
	raw_trace before(1); // access before the memslot that would cover it
	before.add(access(0, false, BASE, 3, 0));
	expect_bad_record(before, 0, 32, "IPA 0x40000000 is outside every memslot");

	raw_trace t = with_slot();
	t.add(memslot(1, BASE + (8ull << 20), 2ull << 20, 21))
		.add(access(0, false, BASE + (4ull << 20) - 8, 3, 0)) // slot 0 end
		.add(access(0, false, BASE + (8ull << 20), 3, 0))     // slot 1
		.add(access(0, false, BASE + (4ull << 20), 3, 0));    // the hole
	expect_bad_record(t, 4, 32 + 64 + 32, "IPA 0x40400000 is outside every memslot");
}

TEST(TraceBadRecord, MemslotRules)
{
	raw_trace overlap = with_slot();
	overlap.add(memslot(1, BASE + (2ull << 20), 2ull << 20, 21));
	expect_bad_record(overlap, 1, 64, "memslot 1 overlaps memslot 0");

	raw_trace below = with_slot(); // ends inside slot 0
	below.add(memslot(1, BASE - (2ull << 20), 4ull << 20, 21));
	expect_bad_record(below, 1, 64, "memslot 1 overlaps memslot 0");

	raw_trace reuse = with_slot();
	reuse.add(memslot(0, 0, 4096, 12));
	expect_bad_record(reuse, 1, 64, "memslot 0 already created");

	raw_trace big = with_slot();
	big.add(memslot(S2SIM_TRACE_MAX_MEMSLOTS, 0, 4096, 12));
	expect_bad_record(big, 1, 64, "slot 512 out of range");

	raw_trace base = with_slot();
	base.add(memslot(1, 0x1000, 2ull << 20, 21));
	expect_bad_record(base, 1, 64, "not aligned to the backing page");

	raw_trace size = with_slot();
	size.add(memslot(1, 0, 0x3000, 21));
	expect_bad_record(size, 1, 64, "not aligned to the backing page");

	raw_trace backing = with_slot();
	backing.add(memslot(1, 0, 1ull << 16, 16));
	expect_bad_record(backing, 1, 64, "is not 4KiB, 2MiB or 1GiB");

	raw_trace empty = with_slot();
	empty.add(memslot(1, 0, 0, 12));
	expect_bad_record(empty, 1, 64, "size is zero");
}

TEST(TraceBadRecord, DirtyLogState)
{
	raw_trace unknown = with_slot();
	unknown.add(slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 1));
	expect_bad_record(unknown, 1, 64, "dirty_log_enable: unknown memslot 1");

	raw_trace twice = with_slot();
	twice.add(slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 0))
		.add(slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 0));
	expect_bad_record(twice, 2, 80, "already enabled on memslot 0");

	const uint8_t need_enabled[] = { S2SIM_REC_DIRTY_LOG_DISABLE,
					 S2SIM_REC_GET_DIRTY_LOG };
	for (uint8_t k : need_enabled) {
		raw_trace t = with_slot();
		t.add(slot_event(k, 0));
		expect_bad_record(t, 1, 64, "dirty logging not enabled on memslot 0");
	}
	raw_trace clear = with_slot();
	clear.add(clear_log(0, 0, 64));
	expect_bad_record(clear, 1, 64, "clear_dirty_log: dirty logging not enabled");

	raw_trace after = with_slot(); // disabled again
	after.add(slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 0))
		.add(slot_event(S2SIM_REC_DIRTY_LOG_DISABLE, 0))
		.add(slot_event(S2SIM_REC_GET_DIRTY_LOG, 0));
	expect_bad_record(after, 3, 96, "dirty logging not enabled on memslot 0");

	raw_trace flags = with_slot();
	flags.add(slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 0, 0x4));
	expect_bad_record(flags, 1, 64, "unknown flags 0x4");
}

TEST(TraceBadRecord, ClearRangeOutsideTheSlot)
{
	// Slot 0 is 4 MiB = 1024 pages of 4 KiB.
	raw_trace t = with_slot();
	t.add(slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 0))
		.add(clear_log(0, 960, 64)) // up to the end: fine
		.add(clear_log(0, 960, 128));
	expect_bad_record(t, 3, 32 + 32 + 16 + 32, "outside slot 0 (1024 pages)");

	raw_trace first = with_slot();
	first.add(slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 0)).add(clear_log(0, 1088, 0));
	expect_bad_record(first, 2, 80, "outside slot 0");

	raw_trace odd = with_slot();
	odd.add(slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 0)).add(clear_log(0, 32, 64));
	expect_bad_record(odd, 2, 80, "first page 32 is not a multiple of 64");

	raw_trace partial = with_slot();
	partial.add(slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 0)).add(clear_log(0, 0, 100));
	expect_bad_record(partial, 2, 80, "100 pages is not a multiple of 64");
}

TEST(TraceBadRecord, PhasesMustIncrease)
{
	raw_trace t = with_slot();
	t.add(phase(S2SIM_PHASE_POPULATE)).add(phase(1)).add(phase(1));
	expect_bad_record(t, 3, 96, "phase 1 does not follow phase 1");

	raw_trace end = with_slot();
	end.add(phase(S2SIM_PHASE_END)).add(phase(2));
	expect_bad_record(end, 2, 80, "phase 2 does not follow phase 4294967295");
}

TEST(TraceBadRecord, ErrorIsSticky)
{
	std::string path = tmp_path("sticky.bin");
	raw_trace t = with_slot();
	t.unit(0x7f, 0);
	write_file(path, t.bytes);
	s2sim_trace_reader *r = nullptr;
	ASSERT_EQ(S2SIM_OK, s2sim_trace_open(&r, path.c_str()));
	s2sim_record rec;
	EXPECT_EQ(S2SIM_ROW, s2sim_trace_next(r, &rec));
	EXPECT_EQ(S2SIM_EINPUT, s2sim_trace_next(r, &rec));
	std::string first = s2sim_trace_errmsg(r);
	EXPECT_EQ(S2SIM_EINPUT, s2sim_trace_next(r, &rec));
	EXPECT_EQ(first, s2sim_trace_errmsg(r));
	EXPECT_EQ(1u, s2sim_trace_record_index(r));
	EXPECT_EQ(64u, s2sim_trace_byte_offset(r));
	s2sim_trace_close(r);
	std::remove(path.c_str());
}

TEST(TraceBadText, HeaderErrors)
{
	expect_bad_text("# c\ns2trace 2 vcpus=1\n", 2, "unknown trace version 2");
	expect_bad_text("s2trace 1 vcpus=0\n", 1, "vcpus must be 1..4096");
	expect_bad_text("s2trace 1\n", 1, "header must be");
}

TEST(TraceBadText, EachRecordErrorNamesItsLine)
{
	const std::string head = "s2trace 1 vcpus=2\n"
				 "memslot 0 base=0x40000000 size=4MiB backing=2MiB\n"
				 "# comment\n"
				 "\n";
	struct {
		const char *line;
		const char *what;
	} cases[] = {
		{ "bogus 1", "unknown record kind `bogus`" },
		{ "access 2 r 0x40000000 8", "vcpu 2 out of range" },
		{ "access 0 x 0x40000000 8", "expected r or w" },
		{ "access 0 r 0x40000000 3", "not a power of two" },
		{ "access 0 r 0x40000000 128", "not a power of two" },
		{ "access 0 r 0x40000004 8", "not aligned to its size 8" },
		{ "access 0 r 0x50000000 8", "outside every memslot" },
		{ "access 0 r 0x40000000 8 delta=-1", "bad delta" },
		{ "access 0 r 0x40000000 8 delta=4294967296", "bad delta" },
		{ "access 0 r 0x40000000 8 dleta=1", "unexpected argument `dleta=1`" },
		{ "access 0 r 0x1z 8", "bad IPA" },
		{ "memslot 1 base=0x40200000 size=2MiB backing=2MiB", "overlaps memslot 0" },
		{ "memslot 0 base=0 size=4KiB backing=4KiB", "already created" },
		{ "memslot 1 base=0 size=4KiB", "missing backing=" },
		{ "memslot 1 base=0 size=4KiB backing=4KiB backing=4KiB", "backing given twice" },
		{ "memslot 1 base=0 size=4KiB backing=64KiB", "not 4KiB, 2MiB or 1GiB" },
		{ "memslot 1 base=0 size=4XB backing=4KiB", "bad size" },
		{ "memslot 600 base=0 size=4KiB backing=4KiB", "slot 600 out of range" },
		{ "dirty_log_enable 0 eager", "unknown option `eager`" },
		{ "dirty_log_enable 5", "unknown memslot 5" },
		{ "get_dirty_log 0", "dirty logging not enabled" },
		{ "get_dirty_log 0 1", "expected `get_dirty_log SLOT`" },
		{ "clear_dirty_log 0 first=0", "missing pages=" },
		{ "phase one", "bad phase `one`" },
		{ "phase 0", "bad phase `0`" },
	};
	for (const auto &c : cases)
		expect_bad_text(head + c.line + "\n", 5, c.what);

	expect_bad_text(head + "phase 2\nphase 1\n", 6, "phase 1 does not follow phase 2");
	expect_bad_text(head + "dirty_log_enable 0\nclear_dirty_log 0 first=0 pages=2048\n", 6,
			"outside slot 0");
	expect_bad_text(head + "access 0 r 0x40000000 8\n" + std::string(5000, 'a') + "\n", 6,
			"line too long");
}

TEST(TraceBadText, ErrorOffsetIsTheBadLine)
{
	std::string path = tmp_path("off.txt");
	std::string good = "s2trace 1 vcpus=1\nmemslot 0 base=0 size=4KiB backing=4KiB\n";
	write_file(path, good + "access 0 r 0x2000 8\n");
	read_result res = read_all(path);
	EXPECT_EQ(S2SIM_EINPUT, res.rc);
	EXPECT_EQ(1u, res.index);
	EXPECT_EQ(good.size(), res.offset);
	std::remove(path.c_str());
}
