#include "hostile.h"

/* A hypercall from ring 3: user/hcall.c executes int $0x1f.  The hypercall
 * gate has privilege 1, so the CPU raises a general protection fault instead
 * (error code 0xFA), the Host reflects it to us, and our kernel ends the
 * process: "user: trap 13 (general protection), error 0xfa", then powers off
 * with status 139.  The Guest is not killed: this rule is enforced by the
 * CPU, and the test checks that the call was not made. */
extern const u8 user_hcall[], user_hcall_end[];

void kernel_main(void)
{
	struct user_program prog = {
		"hcall", user_hcall, (unsigned long)(user_hcall_end - user_hcall)
	};
	int status;

	hostile_start("int $0x1f from ring 3");
	status = run_program(&prog, (char *[]){ "hcall", NULL });
	printk("init: %s exited with status %d\n", prog.name, status);
	power_off(status);
}
