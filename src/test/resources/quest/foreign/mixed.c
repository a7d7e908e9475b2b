/*H:100 A host section with code */
int host;
/*G:010 A guest marker, while H:100 is still open. :*/
/*:*/
