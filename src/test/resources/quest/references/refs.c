/*H:100 The first section. :*/
/*H:110 Refers back to (H:100), across to G:010, and over a range,
 * H:100–H:110.  None of these is a reference: 0x10:200, 12:30:45,
 * AX:100, H:10, H:1000, h:100, an address like 0xc0000000:123. */
int x;
/*:*/
/*G:010 The other part. :*/
