// splitref runs llama.cpp's pre-tokenizer split (unicode_regex_split from
// src/unicode.cpp) on texts read from stdin, for hfctl's pretok tests.
//
// Build (see build.sh): compile it with llama.cpp's src/unicode.cpp and
// src/unicode-data.cpp, nothing else of llama.cpp is needed.
//
// Input on stdin, all integers unsigned 32-bit little-endian:
//   count of regexes, then each regex as (length, bytes);
//   count of texts, then each text as (length, bytes).
// With the argument -flags it reads nothing and prints llama.cpp's code
// point classes instead: a line "start category whitespace han" (hex
// start, category_flag() in hex, 0/1, 0/1) wherever one of them changes,
// for U+0000..U+10FFFF.
//
// Output on stdout, one line per text:
//   "OK" followed by the length of every piece in code points, or
//   "ERR" and the exception's message if llama.cpp threw.
// Code points are counted by decoding each returned piece again with
// unicode_cpts_from_utf8: llama.cpp re-encodes the code points it decoded,
// so a piece of n code points decodes back to n.

#include "unicode.h"

#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

static bool read_u32(uint32_t & v) {
    unsigned char b[4];
    if (fread(b, 1, 4, stdin) != 4) {
        return false;
    }
    v = uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
    return true;
}

static bool read_str(std::string & s) {
    uint32_t n;
    if (!read_u32(n)) {
        return false;
    }
    s.resize(n);
    return n == 0 || fread(&s[0], 1, n, stdin) == n;
}

static int dump_flags() {
    int last_cat = -1, last_ws = -1, last_han = -1;
    for (uint32_t cpt = 0; cpt < 0x110000; cpt++) {
        const auto flags = unicode_cpt_flags_from_cpt(cpt);
        const int cat = flags.category_flag();
        const int ws  = flags.is_whitespace ? 1 : 0;
        const int han = unicode_cpt_is_han(cpt) ? 1 : 0;
        if (cat != last_cat || ws != last_ws || han != last_han) {
            printf("%X %X %d %d\n", cpt, cat, ws, han);
            last_cat = cat;
            last_ws  = ws;
            last_han = han;
        }
    }
    return 0;
}

int main(int argc, char ** argv) {
    if (argc > 1 && std::string(argv[1]) == "-flags") {
        return dump_flags();
    }
    uint32_t n_re = 0;
    if (!read_u32(n_re)) {
        fprintf(stderr, "splitref: no input\n");
        return 1;
    }
    std::vector<std::string> regexes(n_re);
    for (auto & r : regexes) {
        if (!read_str(r)) {
            fprintf(stderr, "splitref: short regex\n");
            return 1;
        }
    }
    uint32_t n_text = 0;
    if (!read_u32(n_text)) {
        fprintf(stderr, "splitref: no text count\n");
        return 1;
    }
    std::string text;
    std::string line;
    for (uint32_t t = 0; t < n_text; t++) {
        if (!read_str(text)) {
            fprintf(stderr, "splitref: short text\n");
            return 1;
        }
        line = "OK";
        try {
            const std::vector<std::string> pieces = unicode_regex_split(text, regexes, false);
            for (const auto & p : pieces) {
                line += ' ';
                line += std::to_string(unicode_cpts_from_utf8(p).size());
            }
        } catch (const std::exception & e) {
            line = "ERR ";
            for (const char * c = e.what(); *c; c++) {
                line += (*c == '\n') ? ' ' : *c;
            }
        }
        line += '\n';
        fwrite(line.data(), 1, line.size(), stdout);
    }
    return 0;
}
