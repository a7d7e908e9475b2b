/*H:100 The first section. :*/
/*H:110 Refers back to (H:100),
 * and onward to (G:815), which nobody wrote. */
int x;
/*:*/
