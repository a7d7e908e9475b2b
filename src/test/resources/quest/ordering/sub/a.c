/*P:020 Second words,
 * from a.c, over two lines. :*/

/*H:100 Code from C. */

int f(void) { return 42; }

/*:*/
int g(void) { return 0; }
/*H:060 Straight after b.java's section, but from a.c. :*/
