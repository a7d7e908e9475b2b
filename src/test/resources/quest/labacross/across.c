/*H:100 A lab region that starts here... */
int a;
/* LAB(demo) { lab_missing("demo", "H:100"); */
int b;
/*:*/
/*H:110 ...and ends in another section. */
int c;
/* LAB(demo) } */
/*:*/
