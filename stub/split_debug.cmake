# split_debug.cmake: moves a freshly linked stub's debugging information
# into a separate file that debuggers find by the stub's build ID, and
# strips the stub, which is what the freezer copies and ships.
#
#   cmake -DSTUB=PATH -DOBJCOPY=objcopy -DDEBUG_DIR=DIR -DRECORD=FILE -P split_debug.cmake
#
# Writes DIR/.build-id/XX/YYYY.debug (XX the build ID's first byte in hex,
# YYYY the rest), the layout gdb and perf search under their debug file
# directory (/usr/lib/debug by default; GDB manual, "Debugging Information
# in Separate Files"), replacing the file an earlier link of the same stub
# left (FILE names it). The stripped stub keeps its build-ID note,
# its dynamic symbols (the C API extension modules bind to) and a
# .gnu_debuglink naming the debug file with its CRC.
foreach(var STUB OBJCOPY DEBUG_DIR RECORD)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "split_debug.cmake: -D${var}= is required")
    endif()
endforeach()

# The build ID from the note's raw bytes: a 16-byte header (namesz, descsz,
# type, "GNU\0"), then the ID (ELF gABI, "Note Section"; ld --build-id).
set(note "${STUB}.note")
execute_process(COMMAND "${OBJCOPY}" -O binary --only-section=.note.gnu.build-id "${STUB}" "${note}"
    RESULT_VARIABLE rc)
file(SIZE "${note}" note_size)
if(NOT rc EQUAL 0 OR note_size LESS 18)
    message(FATAL_ERROR "split_debug.cmake: ${STUB} has no build ID (link with -Wl,--build-id)")
endif()
file(READ "${note}" id HEX OFFSET 16)
file(REMOVE "${note}")
string(SUBSTRING "${id}" 0 2 id_dir)
string(SUBSTRING "${id}" 2 -1 id_file)
set(debug_file "${DEBUG_DIR}/.build-id/${id_dir}/${id_file}.debug")

# The previous link's debug file goes; then the new one.
if(EXISTS "${RECORD}")
    file(READ "${RECORD}" previous)
    string(STRIP "${previous}" previous)
    if(NOT previous STREQUAL debug_file)
        file(REMOVE "${previous}")
    endif()
endif()
get_filename_component(debug_parent "${debug_file}" DIRECTORY)
file(MAKE_DIRECTORY "${debug_parent}")
execute_process(COMMAND "${OBJCOPY}" --only-keep-debug "${STUB}" "${debug_file}"
    RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "split_debug.cmake: objcopy --only-keep-debug ${STUB} failed")
endif()
execute_process(COMMAND "${OBJCOPY}" --strip-all "--add-gnu-debuglink=${debug_file}" "${STUB}"
    RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "split_debug.cmake: objcopy --strip-all ${STUB} failed")
endif()
file(WRITE "${RECORD}" "${debug_file}\n")
