// Industry identifiers (node/protocol/identifiers.h): published examples pass; wrong check
// characters, lengths, characters and case are rejected with their specific reason.
#include <doctest/doctest.h>

#include <node/protocol/identifiers.h>

using namespace folio::protocol;

TEST_CASE("ISO 7064 MOD 37,36 check character") {
    // GRid example A1-2425G-ABC1234002-M (the soundways/iso7064 GRid encoder's README; lobster-world's
    // "checksum ISO 7064 Mod. 37/36" reference: A12425GABC1234002 -> M).
    CHECK(Mod37_36Check("A12425GABC1234002") == 'M');
    CHECK(Mod37_36Check("DADPIDA3897722461") == 'J');  // lobster-world reference
    CHECK(Mod37_36Check("123AB") == 'X');              // lobster-world reference
    CHECK(Mod37_36Check("12-3") == '\0');
    CHECK(Mod37_36Check("abc") == '\0');
}

TEST_CASE("ISRC") {
    // Published examples: BRBMG0300729 and USPR37300012 (Wikipedia, ISRC "Format"), GBEMI0300013
    // (Wikipedia intro), AA6Q72000047 / AA-6Q7-20-00047 (IFPI isrc.ifpi.org structure page).
    for (auto s : {"BRBMG0300729", "USPR37300012", "GBEMI0300013", "AA6Q72000047", "AA-6Q7-20-00047",
                   "BR-BMG-03-00729"}) {
        CAPTURE(s);
        CHECK(CheckIsrc(s) == "");
    }
    CHECK(NormalizeIsrc("USPR37300012") == "US-PR3-73-00012");
    CHECK(NormalizeIsrc("aa-6q7-20-00047") == "AA-6Q7-20-00047");
    CHECK(NormalizeIsrc("USPR3730001") == std::nullopt);

    CHECK(CheckIsrc("") == "ISRC has 0 characters, expected 12 (CCXXXYYNNNNN) or 15 (CC-XXX-YY-NNNNN)");
    CHECK(CheckIsrc("USPR3730001") == "ISRC has 11 characters, expected 12 (CCXXXYYNNNNN) or 15 (CC-XXX-YY-NNNNN)");
    CHECK(CheckIsrc("USPR373000123").find("ISRC has 13 characters") == 0);
    CHECK(CheckIsrc("U1PR37300012") == "ISRC character 2 must be a letter A-Z, got '1'");
    CHECK(CheckIsrc("USP-37300012") == "ISRC character 4 must be a letter A-Z or a digit, got '-'");
    CHECK(CheckIsrc("USPR3A300012") == "ISRC character 6 must be a digit, got 'A'");
    CHECK(CheckIsrc("USPR373000 2") == "ISRC character 11 must be a digit, got ' '");
    CHECK(CheckIsrc("US-PR3-73_00012") == "ISRC character 10 must be '-', got '_'");
    CHECK(CheckIsrc(std::string_view("USPR37\x01" "00012", 12)) == "ISRC character 7 must be a digit, got byte 0x01");
    // Lower case: rejected by Check (stored form is upper case); Normalize upper-cases.
    CHECK(CheckIsrc("usPR37300012") == "ISRC must be upper case: 'u' at character 1");
    CHECK(CheckIsrc("USpR37300012") == "ISRC must be upper case: 'p' at character 3");
}

TEST_CASE("ISWC") {
    // T-034.524.680-1: the worked check-digit example (Wikipedia "International Standard Musical Work
    // Code", S = 179, C = 1); T-000.000.001-0: the first ISWC assigned (ABBA, "Dancing Queen").
    for (auto s : {"T-034.524.680-1", "T0345246801", "T-000.000.001-0", "T0000000010"}) {
        CAPTURE(s);
        CHECK(CheckIswc(s) == "");
    }
    CHECK(NormalizeIswc("T0345246801") == "T-034.524.680-1");
    CHECK(NormalizeIswc("t-034.524.680-1") == "T-034.524.680-1");
    CHECK(NormalizeIswc("T-034.524.680-2") == std::nullopt);

    CHECK(CheckIswc("T-034.524.680-7") == "ISWC check digit is 7, expected 1");
    CHECK(CheckIswc("T0345246803") == "ISWC check digit is 3, expected 1");
    CHECK(CheckIswc("T-043.524.680-1") == "ISWC check digit is 1, expected 2");  // transposition
    CHECK(CheckIswc("T034524680") == "ISWC has 10 characters, expected 11 (TDDDDDDDDDC) or 15 (T-DDD.DDD.DDD-C)");
    CHECK(CheckIswc("T-034.524.680-10").find("ISWC has 16 characters") == 0);
    CHECK(CheckIswc("X0345246801") == "ISWC character 1 must be 'T', got 'X'");
    CHECK(CheckIswc("T03452468A1") == "ISWC character 10 must be a digit, got 'A'");
    CHECK(CheckIswc("T-034-524-680-1") == "ISWC character 6 must be '.', got '-'");
    CHECK(CheckIswc("T-034.524.680-X") == "ISWC character 15 must be a digit, got 'X'");
    CHECK(CheckIswc("t0345246801") == "ISWC must be upper case: 't' at character 1");
    CHECK(CheckIswc("t-034.524.680-1") == "ISWC must be upper case: 't' at character 1");
}

TEST_CASE("ISAN") {
    // ISAN 0000-0000-D07A-0090-Q-0000-0000-X: ISAN International Agency, "What is the structure of
    // ISAN" (support.isan.org). 0000-3BAB-9352-0000-G: Microsoft Windows Media Format SDK, ISAN
    // attribute. ISAN 0000-0000-9E59-0000-O-0000-0000-2: a commonly cited example (verified against the rule).
    for (auto s : {"ISAN 0000-0000-D07A-0090-Q-0000-0000-X", "0000-0000-D07A-0090-Q-0000-0000-X",
                   "00000000D07A0090Q00000000X", "ISAN 00000000D07A0090Q00000000X", "ISAN 0000-0000-D07A-0090-Q",
                   "00000000D07A0090Q", "0000-3BAB-9352-0000-G", "00003BAB93520000G",
                   "ISAN 0000-0000-9E59-0000-O-0000-0000-2", "000000009E590000O000000002"}) {
        CAPTURE(s);
        CHECK(CheckIsan(s) == "");
    }
    CHECK(NormalizeIsan("00000000d07a0090q00000000x") == "ISAN 0000-0000-D07A-0090-Q-0000-0000-X");
    CHECK(NormalizeIsan("isan 00003bab93520000g") == "ISAN 0000-3BAB-9352-0000-G");
    CHECK(NormalizeIsan("0000-3BAB-9352-0000-H") == std::nullopt);

    CHECK(CheckIsan("ISAN 0000-0000-D07A-0090-R-0000-0000-X") == "ISAN check character is R, expected Q");
    CHECK(CheckIsan("ISAN 0000-0000-D07A-0090-Q-0000-0000-Y") == "ISAN version check character is Y, expected X");
    CHECK(CheckIsan("ISAN 0000-0000-D07A-0090-Q-0000-0001-X") == "ISAN version check character is X, expected V");
    CHECK(CheckIsan("0000-0000-D07A-0900-Q") == "ISAN check character is Q, expected R");  // transposition
    // Without check characters (as in some digital transactions) it is refused: the length says so.
    CHECK(CheckIsan("00000000D07A009000000000") ==
          "ISAN has 24 characters, expected 17 or 26 (compact), or 21 or 33 (grouped), after an optional \"ISAN \"");
    CHECK(CheckIsan("ISAN 0000-0000-D07A-0090").find("ISAN has 19 characters") == 0);
    CHECK(CheckIsan("0000-0000-D07G-0090-Q") == "ISAN character 14 must be a hex digit 0-9A-F, got 'G'");
    CHECK(CheckIsan("ISAN 0000-0000-D07A-0090-?") == "ISAN character 26 must be a check character 0-9A-Z, got '?'");
    CHECK(CheckIsan("0000 3BAB 9352 0000 G") == "ISAN character 5 must be '-', got ' '");
    CHECK(CheckIsan("0000-0000-d07a-0090-Q") == "ISAN must be upper case: 'd' at character 11");
    CHECK(CheckIsan("ISAN 0000-0000-D07A-0090-q") == "ISAN must be upper case: 'q' at character 26");
    CHECK(CheckIsan("isan 0000-0000-D07A-0090-Q") == "ISAN must be upper case: prefix isan ");
}

TEST_CASE("EIDR") {
    // 10.5240/7791-8534-2C23-9030-8610-5: a commonly cited example EIDR content ID
    // (verified against the rule); 10.5240/1C80-DD87-F0C8-5488-60C2-5: the Classroom Caffeine episode
    // cited in EIDR's news post "EIDR Hits 5 Million Alternate IDs" (eidr.org).
    for (auto s : {"10.5240/7791-8534-2C23-9030-8610-5", "10.5240/779185342C23903086105",
                   "10.5240/1C80-DD87-F0C8-5488-60C2-5"}) {
        CAPTURE(s);
        CHECK(CheckEidr(s) == "");
    }
    CHECK(NormalizeEidr("10.5240/779185342c23903086105") == "10.5240/7791-8534-2C23-9030-8610-5");
    CHECK(NormalizeEidr("10.5240/7791-8534-2C23-9030-8610-6") == std::nullopt);

    CHECK(CheckEidr("10.5240/7791-8534-2C23-9030-8610-6") == "EIDR check character is 6, expected 5");
    CHECK(CheckEidr("10.5240/7791-8534-2C23-9030-8601-5") == "EIDR check character is 5, expected 7");
    CHECK(CheckEidr("10.5240/7791-8534-2C23-9030-8610") ==
          "EIDR has 32 characters, expected 34 (10.5240/XXXX-XXXX-XXXX-XXXX-XXXX-C) or 29 (without hyphens)");
    CHECK(CheckEidr("7791-8534-2C23-9030-8610-5").find("EIDR has 26 characters") == 0);
    CHECK(CheckEidr("10.5239/7791-8534-2C23-9030-8610-5") == "EIDR character 6 must be '4', got '3'");
    CHECK(CheckEidr("10.5240/7791-8534-2C2X-9030-8610-5") == "EIDR character 22 must be a hex digit 0-9A-F, got 'X'");
    CHECK(CheckEidr("10.5240/7791-8534-2C23-9030-8610-*") ==
          "EIDR character 34 must be a check character 0-9A-Z, got '*'");
    CHECK(CheckEidr("10.5240/7791-8534-2c23-9030-8610-5") == "EIDR must be upper case: 'c' at character 20");
}
