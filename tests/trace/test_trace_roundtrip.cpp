// Round trips between the binary, zstd and text forms, the text syntax,
// format detection and the trace tools (info, dump, convert).
#include "trace_test_util.h"

extern "C" {
#include "workloads/trace_tools.h"
}

using namespace trace_test;

namespace {

// A trace that uses every record kind and every flag.
std::vector<s2sim_record> every_kind()
{
	std::vector<s2sim_record> v;
	v.push_back(memslot(0, 0x40000000ull, 1ull << 30, 21));
	v.push_back(memslot(3, 0x100000000ull, 64ull << 12, 12));
	v.push_back(phase(S2SIM_PHASE_POPULATE));
	v.push_back(access(0, true, 0x40000000ull, 3, 100));
	v.push_back(access(1, false, 0x40001001ull, 0, 0));
	v.push_back(access(2, true, 0x7fffffc0ull, 6, 0xffffffffu));
	v.push_back(access(3, false, 0x10003ff00ull, 4, 7));
	v.push_back(slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 0,
			       S2SIM_DLOG_MANUAL_PROTECT | S2SIM_DLOG_INITIALLY_SET));
	v.push_back(slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 3, 0));
	v.push_back(phase(1));
	v.push_back(access(0, true, 0x40200000ull, 3, 1));
	v.push_back(slot_event(S2SIM_REC_GET_DIRTY_LOG, 0));
	v.push_back(clear_log(0, 0, 512));
	v.push_back(clear_log(0, 512, 262144 - 512));
	v.push_back(clear_log(3, 0, 64));
	v.push_back(phase(2));
	v.push_back(slot_event(S2SIM_REC_DIRTY_LOG_DISABLE, 0));
	v.push_back(slot_event(S2SIM_REC_DIRTY_LOG_DISABLE, 3));
	v.push_back(phase(S2SIM_PHASE_END));
	return v;
}

void expect_same(const std::vector<s2sim_record> &want,
		 const std::vector<s2sim_record> &got)
{
	ASSERT_EQ(want.size(), got.size());
	for (size_t i = 0; i < want.size(); i++)
		EXPECT_TRUE(same(want[i], got[i]))
			<< "record " << i << ": want `" << show(want[i]) << "` got `"
			<< show(got[i]) << "`";
}

} // namespace

TEST(TraceRoundTrip, EachFormatReadsBackEveryRecordExactly)
{
	const std::vector<s2sim_record> recs = every_kind();
	const enum s2sim_trace_format fmts[] = { S2SIM_TRACE_BINARY, S2SIM_TRACE_ZSTD,
						 S2SIM_TRACE_TEXT };
	for (enum s2sim_trace_format f : fmts) {
		std::string path = tmp_path(std::to_string((int)f));
		std::string msg;
		ASSERT_EQ(S2SIM_OK, write_trace(path, f, 4, recs, &msg)) << msg;
		read_result res = read_all(path, 3); // small batches cross kinds
		ASSERT_EQ(S2SIM_DONE, res.rc) << res.msg;
		EXPECT_EQ(f, res.info.format);
		EXPECT_EQ(4u, res.info.vcpus);
		EXPECT_EQ(1u, res.info.version);
		EXPECT_EQ(f == S2SIM_TRACE_ZSTD ? 1u : 0u, res.info.flags);
		EXPECT_EQ(recs.size(), res.index);
		expect_same(recs, res.recs);
		std::remove(path.c_str());
	}
}

TEST(TraceRoundTrip, BinaryLayoutIsTheDocumentedOne)
{
	std::string path = tmp_path("bin");
	std::vector<s2sim_record> recs = {
		memslot(2, 0x40000000ull, 2ull << 20, 21),
		access(5, true, 0x40000008ull, 3, 0x01020304u),
	};
	ASSERT_EQ(S2SIM_OK, write_trace(path, S2SIM_TRACE_BINARY, 6, recs));
	std::string b = read_file(path);
	ASSERT_EQ(32u + 32u + 16u, b.size());
	const unsigned char want_hdr[16] = { 'S', '2', 'T', 'R', 'A', 'C', 'E', 0,
					     1, 0, 0, 0, 6, 0, 0, 0 };
	EXPECT_EQ(0, memcmp(b.data(), want_hdr, 16));
	EXPECT_EQ(std::string(16, '\0'), b.substr(16, 16));
	// MEMSLOT: kind 0x10, backing log2 21, slot 2, base, size, reserved.
	const unsigned char want_slot[32] = {
		0x10, 21, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0,
		0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	EXPECT_EQ(0, memcmp(b.data() + 32, want_slot, 32));
	// ACCESS: kind 1, attr = write | 3 << 4, vcpu 5, delta, IPA.
	const unsigned char want_acc[16] = { 0x01, 0x31, 5, 0, 4, 3, 2, 1,
					     8, 0, 0, 0x40, 0, 0, 0, 0 };
	EXPECT_EQ(0, memcmp(b.data() + 64, want_acc, 16));
	std::remove(path.c_str());
}

TEST(TraceRoundTrip, ConvertChainIsByteIdentical)
{
	std::string bin = tmp_path("a.bin"), txt = tmp_path("b.txt"),
		    zst = tmp_path("c.zst"), bin2 = tmp_path("d.bin"),
		    txt2 = tmp_path("e.txt");
	char err[512];
	ASSERT_EQ(S2SIM_OK, write_trace(bin, S2SIM_TRACE_BINARY, 4, every_kind()));
	ASSERT_EQ(S2SIM_OK, s2sim_trace_convert(bin.c_str(), txt.c_str(),
						S2SIM_TRACE_TEXT, err, sizeof(err))) << err;
	ASSERT_EQ(S2SIM_OK, s2sim_trace_convert(txt.c_str(), zst.c_str(),
						S2SIM_TRACE_ZSTD, err, sizeof(err))) << err;
	ASSERT_EQ(S2SIM_OK, s2sim_trace_convert(zst.c_str(), bin2.c_str(),
						S2SIM_TRACE_BINARY, err, sizeof(err))) << err;
	ASSERT_EQ(S2SIM_OK, s2sim_trace_convert(bin2.c_str(), txt2.c_str(),
						S2SIM_TRACE_TEXT, err, sizeof(err))) << err;
	EXPECT_EQ(read_file(bin), read_file(bin2));
	EXPECT_EQ(read_file(txt), read_file(txt2));
	EXPECT_NE(read_file(bin), read_file(zst));
	for (const std::string &p : { bin, txt, zst, bin2, txt2 })
		std::remove(p.c_str());
}

TEST(TraceText, FormatPrintsTheDocumentedSyntax)
{
	struct {
		s2sim_record rec;
		const char *text;
	} cases[] = {
		{ access(0, true, 0x40000000ull, 3, 100), "access 0 w 0x40000000 8 delta=100" },
		{ access(7, false, 0x1ull, 0, 0), "access 7 r 0x1 1 delta=0" },
		{ memslot(0, 0x40000000ull, 4ull << 30, 21),
		  "memslot 0 base=0x40000000 size=4GiB backing=2MiB" },
		{ memslot(1, 0, 3ull << 12, 12), "memslot 1 base=0x0 size=12KiB backing=4KiB" },
		{ slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 0,
			     S2SIM_DLOG_MANUAL_PROTECT | S2SIM_DLOG_INITIALLY_SET),
		  "dirty_log_enable 0 manual_protect initially_set" },
		{ slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 2), "dirty_log_enable 2" },
		{ slot_event(S2SIM_REC_DIRTY_LOG_DISABLE, 0), "dirty_log_disable 0" },
		{ slot_event(S2SIM_REC_GET_DIRTY_LOG, 0), "get_dirty_log 0" },
		{ clear_log(0, 0, 512), "clear_dirty_log 0 first=0 pages=512" },
		{ phase(S2SIM_PHASE_POPULATE), "phase populate" },
		{ phase(3), "phase 3" },
		{ phase(S2SIM_PHASE_END), "phase end" },
	};
	for (const auto &c : cases) {
		char buf[160];
		int n = s2sim_record_format(&c.rec, buf, sizeof(buf));
		EXPECT_STREQ(c.text, buf);
		EXPECT_EQ((int)strlen(c.text), n);
	}
	char small[8];
	EXPECT_EQ(33, s2sim_record_format(&cases[0].rec, small, sizeof(small)));
	EXPECT_STREQ("access ", small);
}

TEST(TraceText, HandWrittenTraceWithCommentsAndUnits)
{
	std::string path = tmp_path("hand.txt");
	write_file(path,
		   "# a hand-written trace\n"
		   "\n"
		   "   # indented comment\n"
		   "s2trace 1 vcpus=2   # header\n"
		   "memslot 1 size=2M backing=2MiB base=0x200000\n"
		   "memslot 0 base=0 size=0x1000 backing=4K\n"
		   "phase populate\n"
		   "\taccess 1 r 0x200040 64   # no delta\n"
		   "access 0 w 0xff8 8 delta=12\n"
		   "dirty_log_enable 1 initially_set manual_protect\n"
		   "get_dirty_log 1\n"
		   "clear_dirty_log 1 pages=512 first=0\n"
		   "phase 1\n"
		   "phase end\r\n");
	read_result res = read_all(path);
	ASSERT_EQ(S2SIM_DONE, res.rc) << res.msg;
	EXPECT_EQ(S2SIM_TRACE_TEXT, res.info.format);
	EXPECT_EQ(2u, res.info.vcpus);
	std::vector<s2sim_record> want = {
		memslot(1, 0x200000, 2ull << 20, 21),
		memslot(0, 0, 4096, 12),
		phase(0),
		access(1, false, 0x200040, 6, 0),
		access(0, true, 0xff8, 3, 12),
		slot_event(S2SIM_REC_DIRTY_LOG_ENABLE, 1,
			   S2SIM_DLOG_MANUAL_PROTECT | S2SIM_DLOG_INITIALLY_SET),
		slot_event(S2SIM_REC_GET_DIRTY_LOG, 1),
		clear_log(1, 0, 512),
		phase(1),
		phase(S2SIM_PHASE_END),
	};
	expect_same(want, res.recs);
	EXPECT_EQ(read_file(path).size(), res.offset);
	std::remove(path.c_str());
}

TEST(TraceDetect, NotATraceAndEmptyFiles)
{
	std::string path = tmp_path("x");
	const char *bad[] = { "", "hello world\n", "# only comments\n\n",
			      "\x7f" "ELF\x02\x01\x01\0\0\0\0", "S2TRACX\0aaaaaaaaaaaaaaaaaaaaaaaa" };
	size_t lens[] = { 0, 12, 18, 12, 32 };
	for (size_t i = 0; i < 5; i++) {
		write_file(path, std::string(bad[i], lens[i]));
		read_result res = read_all(path);
		EXPECT_EQ(S2SIM_EINPUT, res.rc) << i;
		EXPECT_NE(std::string::npos, res.msg.find("not an s2sim trace")) << res.msg;
		EXPECT_NE(std::string::npos, res.msg.find(path)) << res.msg;
	}
	std::remove(path.c_str());
	read_result missing = read_all(path);
	EXPECT_EQ(S2SIM_ENOTFOUND, missing.rc);
	EXPECT_NE(std::string::npos, missing.msg.find(path));
}

TEST(TraceTools, InfoCountsKindsVcpusAndSlots)
{
	std::string path = tmp_path("info.zst");
	ASSERT_EQ(S2SIM_OK, write_trace(path, S2SIM_TRACE_ZSTD, 4, every_kind()));
	struct s2sim_trace_summary *s = new s2sim_trace_summary;
	char err[256];
	ASSERT_EQ(S2SIM_OK, s2sim_trace_summarize(path.c_str(), s, err, sizeof(err))) << err;
	EXPECT_EQ(S2SIM_TRACE_ZSTD, s->info.format);
	EXPECT_EQ(19u, s->records);
	EXPECT_EQ(5u, s->by_kind[S2SIM_REC_ACCESS]);
	EXPECT_EQ(2u, s->by_kind[S2SIM_REC_MEMSLOT]);
	EXPECT_EQ(3u, s->by_kind[S2SIM_REC_CLEAR_DIRTY_LOG]);
	EXPECT_EQ(4u, s->by_kind[S2SIM_REC_PHASE]);
	EXPECT_EQ(2u, s->reads);
	EXPECT_EQ(3u, s->writes);
	ASSERT_NE(nullptr, s->vcpu_accesses);
	EXPECT_EQ(2u, s->vcpu_accesses[0]);
	EXPECT_EQ(1u, s->vcpu_accesses[1]);
	EXPECT_EQ(1u, s->vcpu_accesses[3]);
	ASSERT_EQ(2u, s->nslots);
	EXPECT_EQ(3u, s->slots[1].slot);
	s2sim_trace_summary_free(s);
	delete s;

	char *text = nullptr;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ASSERT_EQ(S2SIM_OK, s2sim_trace_info_print(path.c_str(), out, err, sizeof(err)));
	fclose(out);
	std::string info(text, len);
	free(text);
	EXPECT_NE(std::string::npos, info.find("format:   zstd")) << info;
	EXPECT_NE(std::string::npos, info.find("accesses: 5 (reads 2, writes 3)")) << info;
	EXPECT_NE(std::string::npos, info.find("  clear_dirty_log    3")) << info;
	EXPECT_NE(std::string::npos, info.find("  vcpu 0     2")) << info;
	EXPECT_NE(std::string::npos,
		  info.find("  memslot 0 base=0x40000000 size=1GiB backing=2MiB")) << info;
	std::remove(path.c_str());
}

TEST(TraceTools, DumpIsAValidTextTrace)
{
	std::string bin = tmp_path("d.bin"), txt = tmp_path("d.txt");
	ASSERT_EQ(S2SIM_OK, write_trace(bin, S2SIM_TRACE_BINARY, 4, every_kind()));
	char *text = nullptr;
	size_t len = 0;
	char err[256];
	FILE *out = open_memstream(&text, &len);
	ASSERT_EQ(S2SIM_OK, s2sim_trace_dump(bin.c_str(), out, err, sizeof(err))) << err;
	fclose(out);
	std::string dump(text, len);
	free(text);
	EXPECT_EQ(0u, dump.find("s2trace 1 vcpus=4\nmemslot 0 base=0x40000000 size=1GiB "
				"backing=2MiB\n")) << dump;
	write_file(txt, dump);
	read_result res = read_all(txt);
	ASSERT_EQ(S2SIM_DONE, res.rc) << res.msg;
	expect_same(every_kind(), res.recs);

	// Errors carry the reader's message.
	write_file(txt, "s2trace 1 vcpus=1\naccess 0 r 0x1000 8\n");
	out = open_memstream(&text, &len);
	EXPECT_EQ(S2SIM_EINPUT, s2sim_trace_dump(txt.c_str(), out, err, sizeof(err)));
	fclose(out);
	free(text);
	EXPECT_NE(std::string::npos, std::string(err).find(txt + ":2: ")) << err;
	std::remove(bin.c_str());
	std::remove(txt.c_str());
}

TEST(TraceTools, FormatNames)
{
	enum s2sim_trace_format f;
	ASSERT_EQ(0, s2sim_trace_format_parse("zstd", &f));
	EXPECT_EQ(S2SIM_TRACE_ZSTD, f);
	ASSERT_EQ(0, s2sim_trace_format_parse("text", &f));
	EXPECT_EQ(S2SIM_TRACE_TEXT, f);
	EXPECT_EQ(-1, s2sim_trace_format_parse("gzip", &f));
	EXPECT_STREQ("binary", s2sim_trace_format_name(S2SIM_TRACE_BINARY));
}
