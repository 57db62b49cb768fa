/* main.c - the stub's entry point: everything happens in the runtime's boot
 * (runtime/boot/boot.c), so tests and other front ends can drive the same steps. */
#include "boot.h"

int main(int argc, char **argv)
{
    return pf_boot_main(argc, argv);
}
