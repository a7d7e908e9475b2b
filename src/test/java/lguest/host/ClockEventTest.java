package lguest.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A Guest's timers are bounded: a cancelled clock event leaves nothing behind. */
class ClockEventTest {
    @Test
    void aStormOfClockEventsLeavesOnlyTheLastQueued() {
        Host host = new Host();
        TestGuests.Run r = TestGuests.launch(host, "4m", TestGuests.build("clockstorm").toString());
        assertThat(r.out()).contains("storm over");
        assertThat(r.status()).as(r.err()).isZero();
        int queued = host.timers.getQueue().size();
        assertThat(queued).as("timers still queued after 200,000 clock events").isLessThan(10);
    }
}
