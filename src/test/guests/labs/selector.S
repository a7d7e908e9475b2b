/* For the direct-traps lab: the Guest names its handler, not the segment it
 * runs in.  A DPL-3 trap gate for int3 whose selector is 0x08, a null entry in
 * our GDT: the Host must put the Guest's kernel code segment (0x61) there, or
 * the CPU faults delivering the trap.  Then a fault that is the Guest's own,
 * to see the Host still deliver what it does not keep. */
#include "../common.S"
	.text
main:
	movl $int3_handler, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	orl $0x00080000, %ebx		/* selector 0x08 */
	andl $0xFFFF0000, %eax
	orl $0xEF00, %eax		/* present, DPL 3, trap gate */
	hcall LHCALL_LOAD_IDT_ENTRY, $3, %ebx, %eax
	movl $pf_handler, %eax
	movl %eax, %ebx
	andl $0xFFFF, %ebx
	andl $0xFFFF0000, %eax
	orl $0x8E00, %eax
	hcall LHCALL_LOAD_IDT_ENTRY, $14, %ebx, %eax
	int3
	cmpl $1, int3_seen
	jne bad
	say "int3 ran in the guest's kernel code segment"
	call own_pgdir
	movl 0x40000000, %eax
bad:
	say "int3 did not arrive as it should"
	movl $5, %eax
	ret
int3_handler:
	movl %cs, %eax
	cmpl $0x61, %eax
	jne 1f
	movl $1, int3_seen
1:	iret
pf_handler:
	cmpl $0x40000000, lguest_data + 8
	jne 2f
	say "a fault of the guest's own reached its handler"
	movl $0, %eax
	jmp power_off
2:	say "a fault reached the guest with the wrong address"
	movl $6, %eax
	jmp power_off
	.data
int3_seen:	.long 0
