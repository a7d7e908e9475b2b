/*P:030 Third words, from assembly. :*/
	.text
/*X:010 An appendix section */
	ret
/*:*/
