class Open {
    /*L:100 This section brings code */
    int x;
    // ...but nobody closes it.
}
