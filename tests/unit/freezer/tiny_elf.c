/* tiny_elf.c - a minimal program the inject tests add a payload to: it must
 * still run afterwards, printing this line and exiting with status 7. */
#include <stdio.h>

int main(void)
{
    puts("tiny elf ran");
    return 7;
}
