/*H:100 The first claim. :*/
