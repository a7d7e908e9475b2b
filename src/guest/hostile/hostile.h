/*P:130 src/guest/hostile/ holds the Guest's evil twins: tiny kernels built
 * from the same boot code as the real one, each of which breaks exactly one
 * of the Host's rules, for the Host's "Sudden Death" tests.  Each announces
 * itself with a line "hostile: <rule>" (except early-hcall, which has no way
 * to speak before the rule it breaks), then breaks the rule.  Most are
 * killed by the Host, with a reason, and harm nothing else; a few rules are
 * enforced by the CPU or the Launcher instead (BOOT.md lists which).  If one
 * gets past whatever should have stopped it, it panics with "hostile guest
 * survived: <rule>", so a test can never mistake a Host that let it through
 * for one that stopped it.  BOOT.md lists what each one expects. :*/
#ifndef GUEST_HOSTILE_H
#define GUEST_HOSTILE_H

#include "kernel.h"

static inline void hostile_start(const char *rule)
{
	printk("hostile: %s\n", rule);
}

static inline void __attribute__((noreturn)) hostile_survived(const char *rule)
{
	panic("hostile guest survived: %s", rule);
}

#endif
