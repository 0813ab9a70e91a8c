/* test_uri.c - shm:file URI parsing and formatting (wire spec §15.22). */
#include "tp_test.h"
#include "tp_test_util.h"

#include "tensorpool/uri.h"

static int expect_parse(int expected_code, const char *uri)
{
    tp_shm_uri_t parsed;
    int rc = tp_shm_uri_parse(&parsed, uri);
    if (rc != expected_code)
    {
        fprintf(stderr, "parse \"%s\": expected %s, got %s (%s)\n", uri, tp_errname(expected_code), tp_errname(rc),
            tp_errmsg());
        return 1;
    }
    return 0;
}

TP_TEST(parses_path_only_with_default_no_hugepages)
{
    tp_shm_uri_t u;
    TP_CHECK_OK(tp_shm_uri_parse(&u, "shm:file?path=/dev/shm/tensorpool-alice/default/1000/7/header.ring"));
    TP_CHECK_STR("/dev/shm/tensorpool-alice/default/1000/7/header.ring", u.path);
    TP_CHECK_EQ_INT(0, u.require_hugepages);
    return 0;
}

TP_TEST(parses_require_hugepages_true_and_false)
{
    tp_shm_uri_t u;
    TP_CHECK_OK(tp_shm_uri_parse(&u, "shm:file?path=/dev/hugepages/x|require_hugepages=true"));
    TP_CHECK_STR("/dev/hugepages/x", u.path);
    TP_CHECK_EQ_INT(1, u.require_hugepages);
    TP_CHECK_OK(tp_shm_uri_parse(&u, "shm:file?path=/dev/shm/x|require_hugepages=false"));
    TP_CHECK_EQ_INT(0, u.require_hugepages);
    return 0;
}

TP_TEST(ampersand_is_not_a_separator)
{
    /* §15.22: parameters are separated by '|', not '&'; '&' and '=' are VCHAR and belong to the path. */
    tp_shm_uri_t u;
    TP_CHECK_OK(tp_shm_uri_parse(&u, "shm:file?path=/dev/shm/a&require_hugepages=true"));
    TP_CHECK_STR("/dev/shm/a&require_hugepages=true", u.path);
    TP_CHECK_EQ_INT(0, u.require_hugepages);
    return 0;
}

TP_TEST(rejects_other_schemes)
{
    const char *uris[] = {
        "aeron:ipc",
        "aeron:udp?endpoint=localhost:40123",
        "shm:anon?path=/dev/shm/x",
        "shm:files?path=/dev/shm/x",
        "file:///dev/shm/x",
        "SHM:FILE?path=/dev/shm/x",
        "/dev/shm/x",
        "",
        "bridge://1",
    };
    for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++)
    {
        if (expect_parse(TP_ERR_URI_SCHEME, uris[i]) != 0) return 1;
    }
    return 0;
}

TP_TEST(rejects_what_the_abnf_does_not_allow)
{
    const char *uris[] = {
        "shm:file",                                         /* no '?' */
        "shm:file/dev/shm/x",                               /* no '?' */
        "shm:file?",                                        /* no parameter */
        "shm:file?path=",                                   /* empty path */
        "shm:file?path",                                    /* no '=' */
        "shm:file?path=/dev/shm/x|",                        /* empty trailing parameter */
        "shm:file?path=/dev/shm/x||require_hugepages=true", /* empty parameter */
        "shm:file?|path=/dev/shm/x",                        /* empty first parameter */
        "shm:file?require_hugepages=true|path=/dev/shm/x",  /* path must come first */
        "shm:file?path=/dev/shm/a b",                       /* SP */
        "shm:file?path=/dev/shm/a?b",                       /* '?' */
        "shm:file?path=/dev/shm/a\tb",                      /* control */
        "shm:file?path=/dev/shm/caf\xc3\xa9",               /* not ASCII */
        "shm:file?path=/dev/shm/a\x7f",                     /* DEL */
        "shm:file?path=/dev/shm/x|require_hugepages=true ", /* trailing space */
    };
    for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++)
    {
        if (expect_parse(TP_ERR_URI_SYNTAX, uris[i]) != 0) return 1;
    }
    return 0;
}

TP_TEST(rejects_unknown_parameters)
{
    if (expect_parse(TP_ERR_URI_PARAM, "shm:file?path=/dev/shm/x|mode=660") != 0) return 1;
    if (expect_parse(TP_ERR_URI_PARAM, "shm:file?path=/dev/shm/x|require_hugepages=false|term-length=4m") != 0) return 1;
    if (expect_parse(TP_ERR_URI_PARAM, "shm:file?size=4096|path=/dev/shm/x") != 0) return 1;
    if (expect_parse(TP_ERR_URI_PARAM, "shm:file?Path=/dev/shm/x") != 0) return 1;
    if (expect_parse(TP_ERR_URI_PARAM, "shm:file?pat=/dev/shm/x") != 0) return 1;
    if (expect_parse(TP_ERR_URI_PARAM, "shm:file?path=/dev/shm/x|require_huge=true") != 0) return 1;
    return 0;
}

TP_TEST(rejects_duplicate_parameters)
{
    if (expect_parse(TP_ERR_URI_PARAM, "shm:file?path=/dev/shm/x|path=/dev/shm/y") != 0) return 1;
    if (expect_parse(TP_ERR_URI_PARAM,
            "shm:file?path=/dev/shm/x|require_hugepages=true|require_hugepages=false") != 0) return 1;
    return 0;
}

TP_TEST(rejects_bool_other_than_true_or_false)
{
    const char *values[] = { "TRUE", "False", "1", "0", "yes", "", "truee", "tru" };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
    {
        char uri[128];
        snprintf(uri, sizeof(uri), "shm:file?path=/dev/shm/x|require_hugepages=%s", values[i]);
        if (expect_parse(TP_ERR_URI_PARAM, uri) != 0) return 1;
    }
    return 0;
}

TP_TEST(rejects_relative_paths)
{
    if (expect_parse(TP_ERR_PATH_NOT_ABSOLUTE, "shm:file?path=dev/shm/x") != 0) return 1;
    if (expect_parse(TP_ERR_PATH_NOT_ABSOLUTE, "shm:file?path=./x|require_hugepages=false") != 0) return 1;
    if (expect_parse(TP_ERR_PATH_NOT_ABSOLUTE, "shm:file?path=C:\\aeron\\x") != 0) return 1;
    return 0;
}

TP_TEST(enforces_path_max)
{
    static char uri[TP_SHM_URI_MAX_LENGTH + 64];
    tp_shm_uri_t u;
    int n = snprintf(uri, sizeof(uri), "shm:file?path=/");
    /* A path of exactly PATH_MAX - 1 bytes is accepted ... */
    memset(uri + n, 'a', TP_SHM_PATH_MAX - 2);
    uri[n + TP_SHM_PATH_MAX - 2] = '\0';
    TP_CHECK_OK(tp_shm_uri_parse(&u, uri));
    TP_CHECK_EQ_INT(TP_SHM_PATH_MAX - 1, strlen(u.path));
    strcat(uri, "|require_hugepages=false");
    TP_CHECK_OK(tp_shm_uri_parse(&u, uri));
    /* ... one more byte is not. */
    uri[n + TP_SHM_PATH_MAX - 2] = 'a';
    uri[n + TP_SHM_PATH_MAX - 1] = '\0';
    TP_CHECK_ERR(TP_ERR_PATH_INVALID, tp_shm_uri_parse(&u, uri));
    return 0;
}

TP_TEST(rejects_overlong_uri_without_reading_it_all)
{
    size_t length = 1 << 20;
    char *uri = malloc(length + 1);
    TP_CHECK(uri != NULL);
    memcpy(uri, "shm:file?path=/", 15);
    memset(uri + 15, 'a', length - 15);
    uri[length] = '\0';
    tp_shm_uri_t u;
    int rc = tp_shm_uri_parse(&u, uri);
    free(uri);
    TP_CHECK_ERR(TP_ERR_URI_SYNTAX, rc);
    return 0;
}

TP_TEST(parse_bytes_reads_only_the_given_length)
{
    const char text[] = "shm:file?path=/dev/shm/x|require_hugepages=trueGARBAGE";
    tp_shm_uri_t u;
    TP_CHECK_OK(tp_shm_uri_parse_bytes(&u, (const uint8_t *)text, (uint32_t)strlen("shm:file?path=/dev/shm/x|require_hugepages=true")));
    TP_CHECK_STR("/dev/shm/x", u.path);
    TP_CHECK_EQ_INT(1, u.require_hugepages);
    TP_CHECK_ERR(TP_ERR_URI_SCHEME, tp_shm_uri_parse_bytes(&u, (const uint8_t *)text, 0));
    return 0;
}

TP_TEST(parse_bytes_rejects_embedded_nul)
{
    const uint8_t text[] = "shm:file?path=/dev/shm/x\0y";
    tp_shm_uri_t u;
    TP_CHECK_ERR(TP_ERR_URI_SYNTAX, tp_shm_uri_parse_bytes(&u, text, sizeof(text) - 1));
    return 0;
}

TP_TEST(failed_parse_leaves_no_partial_result)
{
    tp_shm_uri_t u;
    TP_CHECK_ERR(TP_ERR_URI_PARAM, tp_shm_uri_parse(&u, "shm:file?path=/dev/shm/x|bogus=1"));
    TP_CHECK_STR("", u.path);
    return 0;
}

TP_TEST(rejects_null_arguments)
{
    tp_shm_uri_t u;
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_shm_uri_parse(NULL, "shm:file?path=/x"));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_shm_uri_parse(&u, NULL));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_shm_uri_parse_bytes(&u, NULL, 3));
    return 0;
}

TP_TEST(format_writes_what_the_reference_writes_and_parses_back)
{
    char out[TP_SHM_URI_MAX_LENGTH + 1];
    int n = tp_shm_uri_format(out, sizeof(out), "/dev/shm/tensorpool-root/default/10000/5/1.pool", 0);
    TP_CHECK_STR("shm:file?path=/dev/shm/tensorpool-root/default/10000/5/1.pool|require_hugepages=false", out);
    TP_CHECK_EQ_INT((int)strlen(out), n);
    tp_shm_uri_t u;
    TP_CHECK_OK(tp_shm_uri_parse(&u, out));
    TP_CHECK_STR("/dev/shm/tensorpool-root/default/10000/5/1.pool", u.path);
    n = tp_shm_uri_format(out, sizeof(out), "/dev/hugepages/h", 1);
    TP_CHECK_STR("shm:file?path=/dev/hugepages/h|require_hugepages=true", out);
    TP_CHECK_OK(tp_shm_uri_parse(&u, out));
    TP_CHECK_EQ_INT(1, u.require_hugepages);
    return 0;
}

TP_TEST(format_rejects_what_parse_would_reject)
{
    char out[256];
    TP_CHECK_ERR(TP_ERR_PATH_NOT_ABSOLUTE, tp_shm_uri_format(out, sizeof(out), "relative/x", 0));
    TP_CHECK_ERR(TP_ERR_URI_SYNTAX, tp_shm_uri_format(out, sizeof(out), "/a|require_hugepages=true", 0));
    TP_CHECK_ERR(TP_ERR_URI_SYNTAX, tp_shm_uri_format(out, sizeof(out), "/a b", 0));
    TP_CHECK_ERR(TP_ERR_URI_SYNTAX, tp_shm_uri_format(out, sizeof(out), "", 0));
    return 0;
}

TP_TEST(format_reports_a_small_buffer)
{
    char out[32];
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_shm_uri_format(out, sizeof(out), "/dev/shm/a/rather/long/path", 0));
    /* Exactly enough: the URI plus its NUL. */
    const char *expected = "shm:file?path=/x|require_hugepages=true";
    char exact[64];
    TP_CHECK_EQ_INT((int)strlen(expected), tp_shm_uri_format(exact, (uint32_t)strlen(expected) + 1, "/x", 1));
    TP_CHECK_ERR(TP_ERR_INVALID_ARGUMENT, tp_shm_uri_format(exact, (uint32_t)strlen(expected), "/x", 1));
    return 0;
}

/* Random mutations of valid URIs: every result is OK or a URI/path code, and an accepted path is absolute VCHAR. */
TP_TEST(random_inputs_are_rejected_cleanly)
{
    static const char *seeds[] = {
        "shm:file?path=/dev/shm/x|require_hugepages=true",
        "shm:file?path=/dev/shm/tensorpool-root/default/10000/1/header.ring|require_hugepages=false",
        "shm:file?path=/a",
    };
    static const char alphabet[] = "shm:file?path=|require_hugepages=truefalse/.& \t\x01\x7f\xff";
    uint64_t state = 0x9E3779B97F4A7C15ULL;
    uint8_t buf[256];
    for (int iteration = 0; iteration < 200000; iteration++)
    {
        const char *seed = seeds[tp_test_random(&state) % 3];
        size_t length = strlen(seed);
        memcpy(buf, seed, length);
        int edits = 1 + (int)(tp_test_random(&state) % 4);
        for (int e = 0; e < edits; e++)
        {
            uint64_t r = tp_test_random(&state);
            size_t at = (size_t)(r % (length + 1));
            uint8_t c = (uint8_t)alphabet[(r >> 16) % (sizeof(alphabet) - 1)];
            switch ((r >> 32) % 3)
            {
                case 0: if (at < length) buf[at] = c; break;                                     /* replace */
                case 1: if (length < sizeof(buf)) { memmove(buf + at + 1, buf + at, length - at); buf[at] = c; length++; } break;
                default: if (at < length) { memmove(buf + at, buf + at + 1, length - at - 1); length--; } break;
            }
        }
        tp_shm_uri_t u;
        int rc = tp_shm_uri_parse_bytes(&u, buf, (uint32_t)length);
        if (rc == 0)
        {
            TP_CHECK(u.path[0] == '/');
            for (const char *p = u.path; *p != '\0'; p++)
            {
                TP_CHECK(*p > 0x20 && *p < 0x7F && *p != '?' && *p != '|');
            }
        }
        else if (rc != TP_ERR_URI_SCHEME && rc != TP_ERR_URI_SYNTAX && rc != TP_ERR_URI_PARAM &&
                 rc != TP_ERR_PATH_NOT_ABSOLUTE && rc != TP_ERR_PATH_INVALID)
        {
            TP_FAIL_AT("unexpected code %d for \"%.*s\"", rc, (int)length, (const char *)buf);
        }
    }
    return 0;
}

TP_TEST_MAIN()
