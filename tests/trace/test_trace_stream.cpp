// Streaming (big traces in bounded memory), zstd stream errors, the
// record-at-a-time API and the writer's atomicity and validation.
#include <unistd.h>

#include "trace_test_util.h"

using namespace trace_test;

namespace {

const uint64_t SLOT0 = 0x40000000ull, SLOT1 = 0x100000000ull, GIB = 1ull << 30;

// Record i of the big synthetic trace (after its two memslots).
s2sim_record big_record(uint64_t i)
{
	if (i % 500000 == 0)
		return phase((uint32_t)(i / 500000));
	uint64_t base = (i % 1000 < 3) ? SLOT1 : SLOT0; // occasional slot switch
	uint64_t ipa = base + ((i * 4096 * 13) % GIB) + (i % 8) * 8;
	return access((uint16_t)(i % 8), (i * 7) % 3 == 0, ipa, 3, (uint32_t)i);
}

std::vector<s2sim_record> big_head()
{
	return { memslot(0, SLOT0, GIB, 21), memslot(1, SLOT1, GIB, 30) };
}

long rss_kib()
{
	FILE *f = std::fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	while (f && std::fgets(line, sizeof(line), f))
		if (std::sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	if (f)
		std::fclose(f);
	return kib;
}

void write_big(const std::string &path, enum s2sim_trace_format fmt, uint64_t n)
{
	s2sim_trace_writer *w = nullptr;
	ASSERT_EQ(S2SIM_OK, s2sim_trace_writer_create(&w, path.c_str(), fmt, 8));
	for (const s2sim_record &r : big_head())
		ASSERT_EQ(S2SIM_OK, s2sim_trace_write(w, &r)) << s2sim_trace_writer_errmsg(w);
	for (uint64_t i = 0; i < n; i++) {
		s2sim_record r = big_record(i);
		ASSERT_EQ(S2SIM_OK, s2sim_trace_write(w, &r)) << s2sim_trace_writer_errmsg(w);
	}
	ASSERT_EQ(S2SIM_OK, s2sim_trace_writer_finish(w)) << s2sim_trace_writer_errmsg(w);
	s2sim_trace_writer_destroy(w);
}

// Stream the big trace back, checking every record, and return the peak
// growth of the resident set while reading.
void check_big(const std::string &path, uint64_t n, long *rss_growth_kib)
{
	s2sim_trace_reader *r = nullptr;
	long rss0 = rss_kib(), peak = rss0;
	ASSERT_EQ(S2SIM_OK, s2sim_trace_open(&r, path.c_str())) << s2sim_trace_errmsg(r);
	static s2sim_record buf[4096];
	uint64_t seen = 0;
	int rc;
	do {
		size_t got = 0;
		rc = s2sim_trace_read(r, buf, 4096, &got);
		for (size_t k = 0; k < got; k++, seen++) {
			s2sim_record want = seen < 2 ? big_head()[seen] : big_record(seen - 2);
			ASSERT_TRUE(same(want, buf[k])) << "record " << seen << ": " << show(buf[k]);
		}
		long now = rss_kib();
		if (now > peak)
			peak = now;
	} while (rc == S2SIM_ROW);
	ASSERT_EQ(S2SIM_DONE, rc) << s2sim_trace_errmsg(r);
	EXPECT_EQ(n + 2, seen);
	EXPECT_EQ(n + 2, s2sim_trace_record_index(r));
	s2sim_trace_close(r);
	*rss_growth_kib = peak - rss0;
}

} // namespace

TEST(TraceStream, TwoMillionRecordsInBoundedMemory)
{
	const uint64_t n = 2000000;
	const enum s2sim_trace_format fmts[] = { S2SIM_TRACE_BINARY, S2SIM_TRACE_ZSTD };
	for (enum s2sim_trace_format f : fmts) {
		std::string path = tmp_path(f == S2SIM_TRACE_ZSTD ? "big.zst" : "big.bin");
		write_big(path, f, n);
		if (f == S2SIM_TRACE_BINARY) {
			EXPECT_EQ(32u + 64u + n * 16u, read_file(path).size());
		}
		long growth = 0;
		check_big(path, n, &growth);
		// The binary file is 32 MB; the reader holds one 256 KiB buffer
		// (plus zstd's window).  Allow slack for the allocator.
		EXPECT_LT(growth, 12 * 1024) << "RSS grew by " << growth << " KiB";
		std::remove(path.c_str());
	}
}

TEST(TraceStream, TruncatedZstdStream)
{
	std::string path = tmp_path("t.zst");
	const uint64_t n = 200000;
	write_big(path, S2SIM_TRACE_ZSTD, n);
	std::string b = read_file(path);
	write_file(path, b.substr(0, b.size() / 2));
	read_result res = read_all(path, 4096);
	EXPECT_EQ(S2SIM_EINPUT, res.rc);
	EXPECT_NE(std::string::npos, res.msg.find("truncated zstd stream")) << res.msg;
	EXPECT_NE(std::string::npos, res.msg.find(": record " + std::to_string(res.recs.size()) +
						  " at byte ")) << res.msg;
	ASSERT_GT(res.recs.size(), 1000u);
	ASSERT_LT(res.recs.size(), n);
	for (size_t i = 2; i < res.recs.size(); i++)
		ASSERT_TRUE(same(big_record(i - 2), res.recs[i])) << i;

	// The header promises zstd but the body is missing or is not zstd.
	raw_trace empty(1, 1, 1);
	write_file(path, empty.bytes);
	res = read_all(path);
	EXPECT_EQ(S2SIM_EINPUT, res.rc);
	EXPECT_NE(std::string::npos, res.msg.find("record 0 at byte 32: truncated zstd stream"))
		<< res.msg;
	raw_trace plain(1, 1, 1);
	plain.add(memslot(0, 0, 4096, 12));
	write_file(path, plain.bytes);
	res = read_all(path);
	EXPECT_EQ(S2SIM_EINPUT, res.rc);
	EXPECT_NE(std::string::npos, res.msg.find("record 0 at byte 32: corrupt zstd stream"))
		<< res.msg;
	std::remove(path.c_str());
}

TEST(TraceStream, RecordAtATimeAndEmptyTraces)
{
	std::string path = tmp_path("one.bin");
	std::vector<s2sim_record> recs = { memslot(0, 0, 4096, 12), access(0, true, 8, 3, 1),
					   access(0, false, 16, 2, 2) };
	ASSERT_EQ(S2SIM_OK, write_trace(path, S2SIM_TRACE_BINARY, 1, recs));
	s2sim_trace_reader *r = nullptr;
	ASSERT_EQ(S2SIM_OK, s2sim_trace_open(&r, path.c_str()));
	s2sim_record rec;
	for (size_t i = 0; i < recs.size(); i++) {
		EXPECT_EQ(i == 0 ? 32u : 64u + 16u * (i - 1), s2sim_trace_byte_offset(r));
		ASSERT_EQ(S2SIM_ROW, s2sim_trace_next(r, &rec)) << s2sim_trace_errmsg(r);
		EXPECT_TRUE(same(recs[i], rec));
	}
	EXPECT_EQ(S2SIM_DONE, s2sim_trace_next(r, &rec));
	EXPECT_EQ(S2SIM_DONE, s2sim_trace_next(r, &rec));
	EXPECT_EQ(3u, s2sim_trace_record_index(r));
	EXPECT_EQ(96u, s2sim_trace_byte_offset(r));
	s2sim_trace_close(r);

	const enum s2sim_trace_format fmts[] = { S2SIM_TRACE_BINARY, S2SIM_TRACE_ZSTD,
						 S2SIM_TRACE_TEXT };
	for (enum s2sim_trace_format f : fmts) {
		ASSERT_EQ(S2SIM_OK, write_trace(path, f, 3, {}));
		read_result res = read_all(path);
		EXPECT_EQ(S2SIM_DONE, res.rc) << res.msg;
		EXPECT_EQ(0u, res.recs.size());
		EXPECT_EQ(3u, res.info.vcpus);
	}
	std::remove(path.c_str());
}

TEST(TraceWriter, FileAppearsOnlyOnFinish)
{
	std::string path = tmp_path("atomic.bin");
	std::string tmp = path + ".tmp." + std::to_string((long)getpid());
	std::remove(path.c_str());
	const enum s2sim_trace_format fmts[] = { S2SIM_TRACE_BINARY, S2SIM_TRACE_ZSTD,
						 S2SIM_TRACE_TEXT };
	for (enum s2sim_trace_format f : fmts) {
		s2sim_trace_writer *w = nullptr;
		ASSERT_EQ(S2SIM_OK, s2sim_trace_writer_create(&w, path.c_str(), f, 1));
		s2sim_record slot = memslot(0, 0, 4096, 12);
		ASSERT_EQ(S2SIM_OK, s2sim_trace_write(w, &slot));
		EXPECT_FALSE(file_exists(path));
		EXPECT_TRUE(file_exists(tmp));
		ASSERT_EQ(S2SIM_OK, s2sim_trace_writer_finish(w)) << s2sim_trace_writer_errmsg(w);
		EXPECT_TRUE(file_exists(path));
		EXPECT_FALSE(file_exists(tmp));
		EXPECT_EQ(S2SIM_EMISUSE, s2sim_trace_write(w, &slot));
		EXPECT_EQ(S2SIM_EMISUSE, s2sim_trace_writer_finish(w));
		s2sim_trace_writer_destroy(w);
		EXPECT_TRUE(file_exists(path));
		read_result res = read_all(path);
		EXPECT_EQ(S2SIM_DONE, res.rc) << res.msg;
		EXPECT_EQ(1u, res.recs.size());
		std::remove(path.c_str());
	}
}

TEST(TraceWriter, DestroyWithoutFinishLeavesNothing)
{
	std::string path = tmp_path("abandon.zst");
	std::string tmp = path + ".tmp." + std::to_string((long)getpid());
	write_file(path, "previous content");
	s2sim_trace_writer *w = nullptr;
	ASSERT_EQ(S2SIM_OK, s2sim_trace_writer_create(&w, path.c_str(), S2SIM_TRACE_ZSTD, 2));
	s2sim_record slot = memslot(0, 0, 1ull << 21, 21);
	for (int i = 0; i < 100000; i++) {
		s2sim_record a = access(i & 1, true, (uint64_t)(i % 4096) * 512, 3, 0);
		if (i == 0) {
			ASSERT_EQ(S2SIM_OK, s2sim_trace_write(w, &slot));
		}
		ASSERT_EQ(S2SIM_OK, s2sim_trace_write(w, &a)) << s2sim_trace_writer_errmsg(w);
	}
	EXPECT_TRUE(file_exists(tmp));
	s2sim_trace_writer_destroy(w);
	EXPECT_FALSE(file_exists(tmp));
	EXPECT_EQ("previous content", read_file(path)); // untouched
	std::remove(path.c_str());
	EXPECT_FALSE(file_exists(path));
}

TEST(TraceWriter, RejectsWhatTheReaderWouldReject)
{
	std::string path = tmp_path("strict.bin");
	s2sim_trace_writer *w = nullptr;
	ASSERT_EQ(S2SIM_OK, s2sim_trace_writer_create(&w, path.c_str(), S2SIM_TRACE_BINARY, 2));
	s2sim_record slot = memslot(0, 0x1000, 0x2000, 12);
	s2sim_record outside = access(0, false, 0x4000, 3, 0);
	s2sim_record vcpu = access(2, false, 0x1000, 3, 0);
	s2sim_record extra = access(0, false, 0x1000, 3, 0);
	extra.len = 5;
	s2sim_record enable = slot_event(S2SIM_REC_DIRTY_LOG_DISABLE, 0);
	s2sim_record ok = access(1, true, 0x2ff8, 3, 9);
	ASSERT_EQ(S2SIM_OK, s2sim_trace_write(w, &slot));
	struct {
		const s2sim_record *rec;
		const char *what;
	} bad[] = {
		{ &outside, "outside every memslot" },
		{ &vcpu, "vcpu 2 out of range" },
		{ &extra, "nonzero len field" },
		{ &enable, "dirty logging not enabled" },
	};
	for (const auto &b : bad) {
		EXPECT_EQ(S2SIM_EINPUT, s2sim_trace_write(w, b.rec));
		std::string msg = s2sim_trace_writer_errmsg(w);
		EXPECT_EQ(0u, msg.find(path + ": record 1: ")) << msg;
		EXPECT_NE(std::string::npos, msg.find(b.what)) << msg;
	}
	// A rejected record is not written; the writer goes on.
	ASSERT_EQ(S2SIM_OK, s2sim_trace_write(w, &ok));
	ASSERT_EQ(S2SIM_OK, s2sim_trace_writer_finish(w));
	s2sim_trace_writer_destroy(w);
	read_result res = read_all(path);
	ASSERT_EQ(S2SIM_DONE, res.rc) << res.msg;
	ASSERT_EQ(2u, res.recs.size());
	EXPECT_TRUE(same(ok, res.recs[1]));
	std::remove(path.c_str());
}

TEST(TraceWriter, CreateErrorsStillReturnAHandle)
{
	s2sim_trace_writer *w = nullptr;
	std::string path = tmp_path("v.bin");
	EXPECT_EQ(S2SIM_EINPUT, s2sim_trace_writer_create(&w, path.c_str(), S2SIM_TRACE_BINARY, 0));
	ASSERT_NE(nullptr, w);
	EXPECT_NE(std::string::npos, std::string(s2sim_trace_writer_errmsg(w)).find("vcpus 0"));
	s2sim_record slot = memslot(0, 0, 4096, 12);
	EXPECT_EQ(S2SIM_EMISUSE, s2sim_trace_write(w, &slot));
	s2sim_trace_writer_destroy(w);

	std::string nodir = tmp_path("no/such/dir/x.bin");
	EXPECT_EQ(S2SIM_EIO, s2sim_trace_writer_create(&w, nodir.c_str(), S2SIM_TRACE_TEXT, 1));
	ASSERT_NE(nullptr, w);
	EXPECT_NE(std::string::npos, std::string(s2sim_trace_writer_errmsg(w)).find("cannot create"));
	s2sim_trace_writer_destroy(w);
	EXPECT_FALSE(file_exists(path));
}
