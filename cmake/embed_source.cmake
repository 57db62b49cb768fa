# embed_source.cmake: writes OUT, a C file defining the bytes of IN (a Python
# source) as `const char NAME[]` (NUL-terminated) and `NAME_size` (bytes,
# without the NUL). Run with cmake -DIN=... -DOUT=... -DNAME=... -P.
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUT}"
    "/* generated from ${IN} by embed_source.cmake: do not edit */\n"
    "#include <stddef.h>\n"
    "extern const char ${NAME}[];\n"
    "extern const size_t ${NAME}_size;\n"
    "const char ${NAME}[] = {${bytes}0x00};\n"
    "const size_t ${NAME}_size = sizeof ${NAME} - 1;\n")
