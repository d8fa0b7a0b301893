// Helpers shared by the trace tests: scratch paths, record builders, raw
// byte-level trace construction for crafting bad files, and read-back.
#ifndef S2SIM_TESTS_TRACE_TEST_UTIL_H
#define S2SIM_TESTS_TRACE_TEST_UTIL_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <gtest/gtest.h>

extern "C" {
#include <s2sim/trace.h>
#include "workloads/trace_record.h"
}

namespace trace_test {

// A scratch file name unique to the running test (ctest runs tests in
// parallel, each in its own process), in $S2SIM_TEST_TMP (created if need be).
inline std::string tmp_path(const std::string &suffix)
{
	const char *dir = std::getenv("S2SIM_TEST_TMP");
	const ::testing::TestInfo *ti =
		::testing::UnitTest::GetInstance()->current_test_info();
	std::string base = dir ? dir : "/tmp";
	mkdir(base.c_str(), 0755); // may not exist yet; EEXIST is fine
	return base + "/trace_" + ti->test_suite_name() + "_" + ti->name() + "_" +
	       suffix;
}

inline void write_file(const std::string &path, const std::string &bytes)
{
	std::ofstream f(path, std::ios::binary | std::ios::trunc);
	f.write(bytes.data(), (std::streamsize)bytes.size());
}

inline std::string read_file(const std::string &path)
{
	std::ifstream f(path, std::ios::binary);
	return std::string(std::istreambuf_iterator<char>(f),
			   std::istreambuf_iterator<char>());
}

inline bool file_exists(const std::string &path)
{
	FILE *f = std::fopen(path.c_str(), "rb");
	if (f)
		std::fclose(f);
	return f != nullptr;
}

inline s2sim_record access(uint16_t vcpu, bool write, uint64_t ipa,
			   unsigned size_log2, uint32_t delta)
{
	s2sim_record r = {};
	r.kind = S2SIM_REC_ACCESS;
	r.flags = write ? S2SIM_ACCESS_WRITE : 0;
	r.size_log2 = (uint8_t)size_log2;
	r.vcpu = vcpu;
	r.delta = delta;
	r.addr = ipa;
	return r;
}

inline s2sim_record memslot(uint16_t slot, uint64_t base, uint64_t size,
			    unsigned backing_log2)
{
	s2sim_record r = {};
	r.kind = S2SIM_REC_MEMSLOT;
	r.size_log2 = (uint8_t)backing_log2;
	r.slot = slot;
	r.addr = base;
	r.len = size;
	return r;
}

inline s2sim_record slot_event(uint8_t kind, uint16_t slot, uint8_t flags = 0)
{
	s2sim_record r = {};
	r.kind = kind;
	r.flags = flags;
	r.slot = slot;
	return r;
}

inline s2sim_record clear_log(uint16_t slot, uint64_t first, uint64_t pages)
{
	s2sim_record r = {};
	r.kind = S2SIM_REC_CLEAR_DIRTY_LOG;
	r.slot = slot;
	r.addr = first;
	r.len = pages;
	return r;
}

inline s2sim_record phase(uint32_t n)
{
	s2sim_record r = {};
	r.kind = S2SIM_REC_PHASE;
	r.delta = n;
	return r;
}

// Field-wise equality (the struct has padding, so no memcmp).
inline bool same(const s2sim_record &a, const s2sim_record &b)
{
	return a.kind == b.kind && a.flags == b.flags &&
	       a.size_log2 == b.size_log2 && a.reserved == b.reserved &&
	       a.vcpu == b.vcpu && a.slot == b.slot && a.delta == b.delta &&
	       a.addr == b.addr && a.len == b.len;
}

inline std::string show(const s2sim_record &r)
{
	char buf[200];
	s2sim_record_format(&r, buf, sizeof(buf));
	return buf;
}

// Byte-level builder for crafted binary traces.
struct raw_trace {
	std::string bytes;

	explicit raw_trace(uint32_t vcpus, uint16_t version = 1, uint16_t flags = 0)
	{
		uint8_t h[S2SIM_TRACE_HEADER_LEN];
		s2sim_trace_header_encode(h, vcpus, flags);
		h[8] = (uint8_t)version;
		h[9] = (uint8_t)(version >> 8);
		bytes.assign((const char *)h, sizeof(h));
	}
	raw_trace &add(const s2sim_record &r)
	{
		uint8_t buf[S2SIM_TRACE_MAX_RECORD];
		size_t n = s2sim_trace_encode(&r, buf);
		bytes.append((const char *)buf, n);
		return *this;
	}
	// One 16-byte unit given as its head word and address word.
	raw_trace &unit(uint64_t head, uint64_t addr)
	{
		uint8_t buf[16];
		s2sim_put_le64(buf, head);
		s2sim_put_le64(buf + 8, addr);
		bytes.append((const char *)buf, 16);
		return *this;
	}
	// Offset at which the next record will start.
	size_t offset() const { return bytes.size(); }
};

struct read_result {
	int rc = 0;                 // last return code (S2SIM_DONE on success)
	std::string msg;            // errmsg when rc is an error
	std::vector<s2sim_record> recs;
	s2sim_trace_info info = {};
	uint64_t index = 0;         // record index / byte offset at the end
	uint64_t offset = 0;
};

// Read a whole trace with the batch API (batch size `batch`).
inline read_result read_all(const std::string &path, size_t batch = 1000)
{
	read_result res;
	s2sim_trace_reader *r = nullptr;
	res.rc = s2sim_trace_open(&r, path.c_str());
	if (res.rc != S2SIM_OK) {
		res.msg = s2sim_trace_errmsg(r);
		s2sim_trace_close(r);
		return res;
	}
	res.info = *s2sim_trace_get_info(r);
	std::vector<s2sim_record> buf(batch);
	for (;;) {
		size_t n = 0;
		res.rc = s2sim_trace_read(r, buf.data(), buf.size(), &n);
		res.recs.insert(res.recs.end(), buf.begin(), buf.begin() + (long)n);
		if (res.rc != S2SIM_ROW)
			break;
	}
	if (res.rc != S2SIM_DONE)
		res.msg = s2sim_trace_errmsg(r);
	res.index = s2sim_trace_record_index(r);
	res.offset = s2sim_trace_byte_offset(r);
	s2sim_trace_close(r);
	return res;
}

// Write `recs` with the public writer; returns the writer's rc.
inline int write_trace(const std::string &path, enum s2sim_trace_format fmt,
		       uint32_t vcpus, const std::vector<s2sim_record> &recs,
		       std::string *msg = nullptr)
{
	s2sim_trace_writer *w = nullptr;
	int rc = s2sim_trace_writer_create(&w, path.c_str(), fmt, vcpus);
	for (size_t i = 0; rc == S2SIM_OK && i < recs.size(); i++)
		rc = s2sim_trace_write(w, &recs[i]);
	if (rc == S2SIM_OK)
		rc = s2sim_trace_writer_finish(w);
	if (msg)
		*msg = s2sim_trace_writer_errmsg(w);
	s2sim_trace_writer_destroy(w);
	return rc;
}

} // namespace trace_test

#endif
