/*U:010 The Unix appendix, beneath busybox. :*/
