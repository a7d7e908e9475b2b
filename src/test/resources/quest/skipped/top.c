/*P:020 Seen. :*/
