/* The block device, 2.6.23 protocol: read sector 0, write sector 1, and ask for
 * a sector far past the end, which must come back as an error result. */
#include "common.S"
#define BLK 0xD0000000
	.text
main:
	call own_pgdir
	/* The block page is the second device page: RAM size + 2 pages. */
	movl PAGE_OFFSET + 0x2D8, %eax
	addl $0x2000, %eax
	movl %eax, blkphys
	orl $3, %eax
	movl %eax, pte1
	movl $(PA(pte1) + 7), pgdir + (BLK >> 22) * 4
	movl $PA(databuf), indma + 4
	movw $512, indma + 68
	hcall LHCALL_BIND_DMA, blkphys, $PA(indma), $((1 << 8) | 2)
	cmpl $1, %eax
	jne bad
	/* read sector 0 */
	movl $0, BLK
	movl $0, BLK + 4
	movl $512, BLK + 8
	movl $0, BLK + 12
	hcall LHCALL_SEND_DMA, blkphys, $PA(emptydma)
	cmpl $1, BLK + 12
	jne bad
	movl $databuf, %esi
	movl $16, %ecx
	call print
	/* write sector 1 */
	movl $1, BLK
	movl $1, BLK + 4
	movl $16, BLK + 8
	movl $0, BLK + 12
	movl $0, wdma
	movl $PA(wmsg), wdma + 4
	movw $16, wdma + 68
	hcall LHCALL_SEND_DMA, blkphys, $PA(wdma)
	cmpl $1, BLK + 12
	jne bad
	say "write ok"
	/* a read far beyond the end */
	movl $0, indma
	movl $0, BLK
	movl $0x100000, BLK + 4
	movl $512, BLK + 8
	movl $0, BLK + 12
	hcall LHCALL_SEND_DMA, blkphys, $PA(emptydma)
	cmpl $2, BLK + 12
	jne bad
	say "oob error ok"
	movl $0, %eax
	ret
bad:
	say "block bad"
	movl $5, %eax
	ret
	.data
wmsg:	.ascii "written by guest"
	.bss
	.align 4096
databuf: .space 4096
blkphys: .long 0
	.align 4
indma:	.space 100
	.align 4
emptydma: .space 100
	.align 4
wdma:	.space 100
