/* For the shadow-paging lab: the dirty-bit trick, watched from inside.  Read a
 * page whose entry is writable but clean: the Host fills the shadow, sets
 * ACCESSED in our entry and nothing else.  Then write it: that must fault again
 * (the shadow was read-only), and only then does DIRTY appear in our entry. */
#include "../common.S"
	.text
main:
	call own_pgdir
	movl PAGE_OFFSET + 0x300000, %eax
	movl pte0 + 0x300 * 4, %eax
	andl $0x60, %eax
	cmpl $0x20, %eax
	jne read_bad
	say "read: accessed, not dirty"
	movl $0x600DD1E7, PAGE_OFFSET + 0x300000
	movl pte0 + 0x300 * 4, %eax
	andl $0x60, %eax
	cmpl $0x60, %eax
	jne write_bad
	cmpl $0x600DD1E7, PAGE_OFFSET + 0x300000
	jne write_bad
	say "write: dirty"
	movl $0, %eax
	ret
read_bad:
	say "a read left the entry wrong (want ACCESSED only)"
	movl $5, %eax
	ret
write_bad:
	say "a write after a read did not make the entry DIRTY"
	movl $6, %eax
	ret
