/*P:010 First words, from b.java. :*/
class B {
    /*H:050 The Host's first section
     * brings two lines of code. */
    int x = 1;
    int y = 2;
    /*:*/
    int notInTheStory = 3;
}
