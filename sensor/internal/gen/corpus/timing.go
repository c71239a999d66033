package corpus

import "time"

// lanRTT is a round trip on one switched segment: 150-400 µs.
func (c *capture) lanRTT() time.Duration {
	return 150*time.Microsecond + time.Duration(c.rng.IntN(250))*time.Microsecond
}

// wanRTT is a round trip across the Internet: lo to hi ms.
func (c *capture) wanRTT(lo, hi int) time.Duration {
	return time.Duration(lo)*time.Millisecond + time.Duration(c.rng.IntN((hi-lo)*1000))*time.Microsecond
}

// jitter is a random duration below d.
func (c *capture) jitter(d time.Duration) time.Duration {
	return time.Duration(c.rng.Int64N(int64(d)))
}

// ports returns lo..hi in a random order.
func (c *capture) ports(lo, hi int) []uint16 {
	ps := make([]uint16, 0, hi-lo+1)
	for _, i := range c.rng.Perm(hi - lo + 1) {
		ps = append(ps, uint16(lo+i))
	}
	return ps
}
