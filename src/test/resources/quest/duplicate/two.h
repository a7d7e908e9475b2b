int padding;
/*H:100 The second claim. :*/
