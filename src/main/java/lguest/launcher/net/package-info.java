/*P:215 lguest.launcher.net is the user-mode network (--net=user), a small router
 * that lives in the Launcher (L:700): Gateway.java takes the Guest's Ethernet
 * frames and answers ARP and ping itself; Dhcp.java hands out the Guest's
 * address; UdpFlow.java and TcpFlow.java carry the Guest's UDP and TCP over the
 * host's own sockets, TCP with its acknowledgements, windows and retransmission
 * on the Guest's side; Frame.java reads and writes the headers and checksums. :*/
package lguest.launcher.net;
