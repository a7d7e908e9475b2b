/* Embeds one user program, a whole ELF file, in the kernel image as
 * read-only data between the symbols BLOB_NAME and BLOB_NAME_end. The
 * Makefile defines BLOB_NAME and BLOB_FILE. */
#define PASTE2(a, b) a##b
#define PASTE(a, b) PASTE2(a, b)
	.section .rodata
	.p2align 4
	.globl BLOB_NAME
BLOB_NAME:
	.incbin BLOB_FILE
	.globl PASTE(BLOB_NAME, _end)
PASTE(BLOB_NAME, _end):
