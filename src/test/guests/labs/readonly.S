/* For the shadow-paging lab: a fault that is the Guest's own.  Our entry for
 * page 0x302000 is present but read-only: reading it is the Host's business (a
 * hole in the shadow), writing it is ours, and must arrive at our handler with
 * the address in lguest_data.cr2, a write error code, and a clean entry. */
#include "../common.S"
	.text
main:
	call own_pgdir
	andl $~2, pte0 + 0x302 * 4
	movl $pf_handler, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0x8E00, %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $14, %ebx, %eax
	movl PAGE_OFFSET + 0x302000, %eax
	say "read ok"
	movl $1, PAGE_OFFSET + 0x302000
	say "the write went through a read-only entry"
	movl $5, %eax
	ret
pf_handler:
	cmpl $(PAGE_OFFSET + 0x302000), lguest_data + 8
	jne bad
	testl $2, (%esp)
	jz bad
	testl $0x40, pte0 + 0x302 * 4
	jnz bad
	say "write reflected to the guest"
	movl $0, %eax
	jmp power_off
bad:
	say "reflected, but cr2, the error code or the entry is wrong"
	movl $6, %eax
	jmp power_off
