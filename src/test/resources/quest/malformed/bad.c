/*H:20 Two digits are not a number here. :*/
