/* What a lab's stub calls in place of the code it took out (labs/FORMAT.md).
 * `make lab NAME` replaces marked regions of the Guest with a call to this, so
 * that a Guest missing a piece says which piece and where to read about it,
 * instead of wandering off and failing somewhere else.  It panics: the
 * message reaches the console and, as the Guest's last words, the Launcher. */
#include "kernel.h"

void lab_missing(const char *lab, const char *sections)
{
	panic("lab %s: this code is yours to write (read %s; then make grade %s)",
	      lab, sections, lab);
}
